import type { Context } from "hono";
import { deleteCookie, setCookie } from "hono/cookie";
import {
  createSession,
  deleteSession,
  effectivePatronStatus,
  findSession,
  type SessionSubject,
} from "@interlend/db";
import type { AuthSession, Principal } from "./principal.ts";
import { requestIsHttps, SESSION_COOKIE, type AuthDeps } from "./options.ts";

export interface ResolvedSession {
  principal: Principal;
  session: AuthSession;
}

/**
 * The principal behind a session token, or undefined when the session is unknown, expired, or its
 * account can no longer sign in (a patron blocked or expired since, a user removed).
 */
export async function resolveSession(deps: AuthDeps, token: string): Promise<ResolvedSession | undefined> {
  const row = await findSession(deps.db, token, deps.auth?.session);
  if (!row) return undefined;
  const session: AuthSession = { token, csrfToken: row.csrf_token, expiresAt: row.expires_at };
  if (row.patron_id !== null) {
    const { patron } = row;
    if (!patron || effectivePatronStatus(patron) !== "active") {
      await deleteSession(deps.db, token);
      return undefined;
    }
    return {
      principal: { kind: "patron", id: patron.id, libraryId: patron.library_id, libraryCode: patron.code, name: patron.name, via: "session" },
      session,
    };
  }
  const { user } = row;
  if (user) {
    // The role comes from the user row, not the session: a demotion takes effect at once.
    return {
      principal: { kind: user.role, id: user.id, libraryId: user.library_id, libraryCode: user.code, name: user.name, via: "session" },
      session,
    };
  }
  return undefined;
}

/** Starts a session and sets its cookie: HttpOnly, SameSite=Lax, Path=/, Secure over https. */
export async function startSession(c: Context, deps: AuthDeps, subject: SessionSubject): Promise<AuthSession> {
  const created = await createSession(deps.db, subject, deps.auth?.session);
  const secure = deps.auth?.secureCookies ?? "auto";
  // A browser-session cookie (no Max-Age): the server enforces idle and absolute expiry.
  setCookie(c, SESSION_COOKIE, created.token, {
    httpOnly: true,
    sameSite: "Lax",
    path: "/",
    secure: secure === "auto" ? requestIsHttps(c) : secure,
  });
  return { token: created.token, csrfToken: created.csrfToken, expiresAt: created.session.expires_at };
}

export function clearSessionCookie(c: Context, deps: AuthDeps): void {
  const secure = deps.auth?.secureCookies ?? "auto";
  deleteCookie(c, SESSION_COOKIE, { path: "/", httpOnly: true, sameSite: "Lax", secure: secure === "auto" ? requestIsHttps(c) : secure });
}
