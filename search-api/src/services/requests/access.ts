import type { RequestRow } from "@interlend/db";
import type { Principal } from "../../auth/principal.ts";
import type { ActorRole } from "./transitions.ts";

/** Who acts on a request, as the events record it ("patron:12", "staff:3", "system"). */
export interface Actor {
  label: string;
  roles: ReadonlySet<ActorRole>;
}

export const SYSTEM: Actor = { label: "system", roles: new Set<ActorRole>(["system"]) };

/**
 * The caller's roles on a request: the patron who placed it; staff (or API clients) of the
 * borrowing member; staff of the member it is with now (the lender). Consortium admins act for
 * any member. No roles: the caller may not even see it.
 */
export function rolesFor(principal: Principal | undefined, request: Pick<RequestRow, "patron_id" | "borrower_library_id" | "lender_library_id">): Set<ActorRole> {
  const roles = new Set<ActorRole>();
  if (!principal) return roles;
  switch (principal.kind) {
    case "patron":
      if (principal.id === request.patron_id) roles.add("patron");
      break;
    case "staff":
    case "api":
      if (principal.libraryId !== null && principal.libraryId === request.borrower_library_id) roles.add("borrower");
      if (principal.libraryId !== null && principal.libraryId === request.lender_library_id) roles.add("lender");
      break;
    case "admin":
      roles.add("borrower");
      roles.add("lender");
      break;
  }
  return roles;
}

export function actorOf(principal: Principal, request: Pick<RequestRow, "patron_id" | "borrower_library_id" | "lender_library_id">): Actor {
  return { label: `${principal.kind}:${principal.id}`, roles: rolesFor(principal, request) };
}
