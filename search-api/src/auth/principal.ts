import type { Context, MiddlewareHandler } from "hono";
import { problem } from "../http/problem.ts";

export type PrincipalKind = "patron" | "staff" | "admin" | "api";

/** Who is calling. Resolved once per request by authMiddleware; absent for anonymous calls. */
export interface Principal {
  kind: PrincipalKind;
  /** patrons.id, users.id or api_clients.id depending on kind. */
  id: number;
  /** The member library the principal belongs to; null only for consortium admins without one. */
  libraryId: number | null;
  libraryCode: string | null;
  name: string;
  /** API clients only: what the token may do. */
  scopes?: string[];
  /** How the caller authenticated: a cookie session (CSRF-checked) or a bearer token. */
  via: "session" | "bearer";
}

/** The cookie session behind the principal, when there is one. */
export interface AuthSession {
  token: string;
  csrfToken: string;
  expiresAt: string;
}

declare module "hono" {
  interface ContextVariableMap {
    principal: Principal | undefined;
    authSession: AuthSession | undefined;
  }
}

export function principalOf(c: Context): Principal | undefined {
  return c.get("principal");
}

/** The principal, or a 401 problem. */
export function requirePrincipal(c: Context): Principal {
  const principal = principalOf(c);
  if (!principal) {
    c.header("WWW-Authenticate", 'Bearer realm="interlend"');
    throw problem(401, "unauthenticated", "Sign-in required", "Sign in, or send an API token, to use this resource.");
  }
  return principal;
}

/** The principal if its kind is one of `kinds`; 401 when anonymous, 403 otherwise. */
export function assertRole(c: Context, ...kinds: PrincipalKind[]): Principal {
  const principal = requirePrincipal(c);
  if (!kinds.includes(principal.kind)) {
    throw problem(403, "forbidden", "Not allowed", `This needs one of the roles ${kinds.join(", ")}; you are signed in as ${principal.kind}.`);
  }
  return principal;
}

/** Middleware form of assertRole: `app.post("/v1/admin/…", requireRole("admin"), handler)`. */
export function requireRole(...kinds: PrincipalKind[]): MiddlewareHandler {
  return async (c, next) => {
    assertRole(c, ...kinds);
    await next();
  };
}

/**
 * The principal if it may act for member `libraryId`: consortium admins for any member; staff and
 * API clients for their own member only. Patrons never pass (they act for themselves, not for a
 * library: check request ownership instead). 401 when anonymous, 403 otherwise.
 */
export function requireLibrary(c: Context, libraryId: number): Principal {
  const principal = requirePrincipal(c);
  if (principal.kind === "admin") return principal;
  if ((principal.kind === "staff" || principal.kind === "api") && principal.libraryId === libraryId) return principal;
  throw problem(403, "forbidden-library", "Not allowed for this library", "You can act only for your own library.");
}

/**
 * Middleware form of requireLibrary; `libraryOf` finds the member the request acts for (a path or
 * query parameter, or a row looked up by id). When it cannot tell (undefined), only admins pass.
 */
export function requireLibraryScope(libraryOf: (c: Context) => number | undefined | Promise<number | undefined>): MiddlewareHandler {
  return async (c, next) => {
    const principal = requirePrincipal(c);
    const libraryId = await libraryOf(c);
    if (libraryId === undefined) {
      if (principal.kind === "admin") return next();
      throw problem(403, "forbidden-library", "Not allowed for this library", "You can act only for your own library.");
    }
    requireLibrary(c, libraryId);
    await next();
  };
}

/** API clients must hold `scope`; sessions (patron, staff, admin) are governed by their role instead. */
export function requireScope(scope: string): MiddlewareHandler {
  return async (c, next) => {
    const principal = requirePrincipal(c);
    if (principal.kind === "api" && !principal.scopes?.includes(scope)) {
      throw problem(403, "insufficient-scope", "Token lacks a scope", `This API token needs the scope ${scope}.`);
    }
    await next();
  };
}
