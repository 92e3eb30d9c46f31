import type { IncomingMessage } from "node:http";
import type { Context, MiddlewareHandler } from "hono";
import { parse as parseCookies } from "hono/utils/cookie";
import { findApiClientByToken, findLibraryById, safeEqual } from "@interlend/db";
import { problem } from "../http/problem.ts";
import { CSRF_HEADER, SESSION_COOKIE, type AuthDeps } from "./options.ts";
import { clearSessionCookie, resolveSession } from "./session.ts";

const UNSAFE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/** Sign-in routes start a new session; they neither use nor need the old one's CSRF token. */
export const CSRF_EXEMPT_PATHS = ["/v1/auth/patron/login", "/v1/auth/staff/login"];

/**
 * A request header, read off node's parsed request when the app runs on node: asking Hono for it
 * builds a WHATWG Headers object per request, which costs a search more than routing it does.
 */
function requestHeader(c: Context, name: string): string | undefined {
  const incoming = (c.env as { incoming?: IncomingMessage } | undefined)?.incoming;
  if (!incoming) return c.req.header(name);
  const value = incoming.headers[name];
  return Array.isArray(value) ? value.join(", ") : value;
}

/**
 * Resolves the caller into `c.get("principal")` (undefined = anonymous) from
 * `Authorization: Bearer <api token>` or the `interlend_session` cookie, and enforces CSRF for
 * cookie sessions: unsafe methods must send `x-csrf-token` equal to the session's token (403
 * otherwise). Bearer calls are exempt: browsers never attach that header on their own.
 * A bad bearer token is a 401; a stale cookie is dropped and the call proceeds anonymously.
 */
export function authMiddleware(deps: AuthDeps): MiddlewareHandler {
  return async (c, next) => {
    c.set("principal", undefined);
    c.set("authSession", undefined);

    const authorization = requestHeader(c, "authorization");
    if (authorization !== undefined) {
      const token = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
      const client = token ? await findApiClientByToken(deps.db, token) : undefined;
      if (!client) {
        c.header("WWW-Authenticate", 'Bearer realm="interlend", error="invalid_token"');
        throw problem(401, "invalid-token", "Invalid API token", "The bearer token is malformed, unknown or revoked.");
      }
      const library = await findLibraryById(deps.db, client.libraryId);
      c.set("principal", {
        kind: "api",
        id: client.id,
        libraryId: client.libraryId,
        libraryCode: library?.code ?? null,
        name: client.name,
        scopes: client.scopes,
        via: "bearer",
      });
      return next();
    }

    const cookies = requestHeader(c, "cookie");
    const token = cookies ? parseCookies(cookies, SESSION_COOKIE)[SESSION_COOKIE] : undefined;
    if (token) {
      const resolved = await resolveSession(deps, token);
      if (resolved) {
        c.set("principal", resolved.principal);
        c.set("authSession", resolved.session);
      } else {
        clearSessionCookie(c, deps);
      }
    }

    const session = c.get("authSession");
    if (session && UNSAFE_METHODS.has(c.req.method) && !CSRF_EXEMPT_PATHS.includes(c.req.path)) {
      const sent = requestHeader(c, CSRF_HEADER);
      if (!sent || !safeEqual(sent, session.csrfToken)) {
        throw problem(403, "csrf-token-invalid", "CSRF token missing or wrong", `Send the ${CSRF_HEADER} header with the csrfToken from GET /v1/auth/me.`);
      }
    }
    await next();
  };
}
