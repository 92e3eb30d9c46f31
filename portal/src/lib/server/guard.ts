import { error, redirect } from "@sveltejs/kit";
import { t } from "$lib/i18n";
import type { Role, SessionUser } from "./session";

/** A same-site path to return to after sign-in; anything else becomes the search page. */
export function safeNext(value: string | null | undefined): string {
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return "/";
  return value;
}

/**
 * The signed-in user if their role is one of `roles`: anonymous visitors are sent to sign in (and
 * back here afterwards), others get a 403 page.
 */
export function requireRole(locals: App.Locals, url: URL, ...roles: Role[]): SessionUser & { auth: NonNullable<App.Locals["auth"]> } {
  const user = locals.user;
  if (!user || !locals.auth) {
    redirect(303, `/signin?next=${encodeURIComponent(url.pathname + url.search)}`);
  }
  if (!roles.includes(user.role)) {
    error(403, { message: t("error.forbiddenTitle"), kind: "bad-request", detail: t("error.forbiddenBody") });
  }
  return { ...user, auth: locals.auth };
}
