import type { Context } from "hono";
import { z } from "zod";
import {
  AccountError,
  deleteSession,
  effectivePatronStatus,
  findLibraryByCode,
  findLibraryById,
  findPatronByCard,
  findUserByEmail,
  needsRehash,
  normaliseEmail,
  setUserPassword,
  updatePatron,
  verifyAgainstDummy,
  verifySecret,
} from "@interlend/db";
import { problem } from "../http/problem.ts";
import type { RouteTable } from "../http/route-table.ts";
import { defaultLoginLimiters, clientIp, type AuthDeps } from "../auth/options.ts";
import type { AuthSession, Principal } from "../auth/principal.ts";
import { throwTooManyRequests, type RateLimiter } from "../auth/rate-limit.ts";
import { clearSessionCookie, startSession } from "../auth/session.ts";

const patronLoginBody = z.strictObject({
  library: z.string().trim().min(1).max(64),
  cardNumber: z.string().trim().min(1).max(64),
  pin: z.string().min(1).max(1024),
});

const staffLoginBody = z.strictObject({
  email: z.string().trim().min(3).max(320),
  password: z.string().min(1).max(1024),
});

/** One answer for unknown account and wrong secret alike, so sign-in does not reveal who exists. */
function invalidCredentials(what: string) {
  return problem(401, "invalid-credentials", "Sign-in failed", `The ${what} is not right.`);
}

interface LoginLimiters {
  perAccount: RateLimiter;
  perIp: RateLimiter;
}

/** Failure counting per account and per IP: checked before verifying, recorded on failure. */
function loginAttempt(c: Context, limiters: LoginLimiters, ip: string, account: string) {
  const ipKey = `ip:${ip}`;
  for (const decision of [limiters.perIp.check(ipKey), limiters.perAccount.check(account)]) {
    if (!decision.allowed) {
      const minutes = Math.ceil(decision.retryAfterSeconds / 60);
      throwTooManyRequests(c, decision, `Too many failed sign-in attempts; try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`);
    }
  }
  return {
    failed() {
      limiters.perIp.hit(ipKey);
      limiters.perAccount.hit(account);
    },
    succeeded() {
      limiters.perAccount.reset(account);
    },
  };
}

async function describeSession(deps: AuthDeps, principal: Principal, session: AuthSession | undefined) {
  const library = principal.libraryId === null ? undefined : await findLibraryById(deps.db, principal.libraryId);
  return {
    role: principal.kind,
    name: principal.name,
    library: library ? { id: library.id, code: library.code, name: library.name } : null,
    csrfToken: session?.csrfToken ?? null,
    expiresAt: session?.expiresAt ?? null,
    ...(principal.scopes && { scopes: principal.scopes }),
  };
}

/** Re-hashes a secret stored at an older, cheaper cost; a legacy secret too short for today's rules stays as it is. */
async function upgradeHash(write: () => Promise<unknown>): Promise<void> {
  try {
    await write();
  } catch (error) {
    if (!(error instanceof AccountError)) throw error;
  }
}

/** Drops the session the request came with (if any): every sign-in gets a fresh id. */
async function endCurrentSession(c: Context, deps: AuthDeps): Promise<void> {
  const current = c.get("authSession");
  if (current) await deleteSession(deps.db, current.token);
}

/** POST /v1/auth/patron/login, /v1/auth/staff/login, /v1/auth/logout; GET /v1/auth/me. */
export function authRoutes(routes: RouteTable, deps: AuthDeps): void {
  const limiters = deps.auth?.loginLimiters ?? defaultLoginLimiters();
  const ipOf = (c: Context) => clientIp(c, deps.auth?.trustedProxies ?? 0);

  routes.add(
    { method: "post", path: "/v1/auth/patron/login", summary: "Patron sign-in with library card and PIN", tag: "auth", access: "public", body: patronLoginBody },
    async (c, { body }) => {
      const attempt = loginAttempt(c, limiters, ipOf(c), `patron:${body.library.toUpperCase()}:${body.cardNumber}`);
      const library = (await findLibraryByCode(deps.db, body.library)) ?? (await findLibraryByCode(deps.db, body.library.toUpperCase()));
      const patron = library && (await findPatronByCard(deps.db, library.id, body.cardNumber));
      const ok = patron ? await verifySecret(body.pin, patron.pin_hash) : await verifyAgainstDummy(body.pin);
      if (!patron || !library || !ok) {
        attempt.failed();
        throw invalidCredentials("card number or PIN");
      }
      attempt.succeeded();
      if (needsRehash(patron.pin_hash)) await upgradeHash(() => updatePatron(deps.db, patron.id, { pin: body.pin }));
      // Status is revealed only to someone who knows the PIN.
      const status = effectivePatronStatus(patron);
      if (status === "blocked") {
        throw problem(403, "patron-blocked", "Card blocked", "This library card is blocked; please contact your library.");
      }
      if (status === "expired") {
        throw problem(403, "patron-expired", "Card expired", "This library card has expired; please renew it at your library.");
      }
      await endCurrentSession(c, deps);
      const session = await startSession(c, deps, { patronId: patron.id, role: "patron" });
      const principal: Principal = { kind: "patron", id: patron.id, libraryId: library.id, libraryCode: library.code, name: patron.name, via: "session" };
      return c.json(await describeSession(deps, principal, session));
    },
  );

  routes.add(
    { method: "post", path: "/v1/auth/staff/login", summary: "Staff and admin sign-in with email and password", tag: "auth", access: "public", body: staffLoginBody },
    async (c, { body }) => {
      const email = normaliseEmail(body.email);
      const attempt = loginAttempt(c, limiters, ipOf(c), `user:${email}`);
      const user = await findUserByEmail(deps.db, email);
      const ok = user ? await verifySecret(body.password, user.password_hash) : await verifyAgainstDummy(body.password);
      if (!user || !ok) {
        attempt.failed();
        throw invalidCredentials("email or password");
      }
      attempt.succeeded();
      if (needsRehash(user.password_hash)) await upgradeHash(() => setUserPassword(deps.db, user.id, body.password));
      await endCurrentSession(c, deps);
      const session = await startSession(c, deps, { userId: user.id, role: user.role });
      const library = user.library_id === null ? undefined : await findLibraryById(deps.db, user.library_id);
      const principal: Principal = {
        kind: user.role, id: user.id, libraryId: user.library_id, libraryCode: library?.code ?? null, name: user.name, via: "session",
      };
      return c.json(await describeSession(deps, principal, session));
    },
  );

  routes.add({ method: "post", path: "/v1/auth/logout", summary: "Sign out (ends the cookie session)", tag: "auth", access: "public", status: 204 }, async (c) => {
    // The middleware has already checked the CSRF token of a cookie session.
    await endCurrentSession(c, deps);
    clearSessionCookie(c, deps);
    return c.body(null, 204);
  });

  routes.add(
    { method: "get", path: "/v1/auth/me", summary: "Who is signed in, with the CSRF token for cookie sessions", tag: "auth", access: ["patron", "staff", "admin", "api"] },
    async (c, { principal }) => {
      c.header("Cache-Control", "no-store");
      return c.json(await describeSession(deps, principal!, c.get("authSession")));
    },
  );
}
