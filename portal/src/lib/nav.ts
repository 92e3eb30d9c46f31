import type { MessageKey } from "$lib/i18n";

export type NavRole = "patron" | "staff" | "admin";
export type NavPath =
  | "/"
  | "/requests"
  | "/staff/pull-list"
  | "/staff/incoming"
  | "/staff/returns"
  | "/staff/overdue"
  | "/admin"
  | "/admin/settings"
  | "/admin/members"
  | "/admin/sources"
  | "/admin/runs";

export interface NavItem {
  path: NavPath;
  label: MessageKey;
}

/** The main navigation for a role: every signed-in person sees what they can use, nothing else. */
export function navFor(role: NavRole | undefined, hasLibrary: boolean): NavItem[] {
  const items: NavItem[] = [{ path: "/", label: "nav.search" }];
  if (role === "patron") items.push({ path: "/requests", label: "nav.myRequests" });
  if ((role === "staff" || role === "admin") && hasLibrary) {
    items.push(
      { path: "/staff/pull-list", label: "nav.pullList" },
      { path: "/staff/incoming", label: "nav.incoming" },
      { path: "/staff/returns", label: "nav.returns" },
      { path: "/staff/overdue", label: "nav.overdue" },
    );
  }
  if (role === "admin") {
    items.push(
      { path: "/admin", label: "nav.dashboard" },
      { path: "/admin/members", label: "nav.members" },
      { path: "/admin/sources", label: "nav.sources" },
      { path: "/admin/runs", label: "nav.runs" },
      { path: "/admin/settings", label: "nav.settings" },
    );
  }
  return items;
}
