import type { Cookies } from "@sveltejs/kit";
import { API_SESSION_COOKIE, ApiProblemError, apiRequest, type ApiAuth } from "./api";

/**
 * The portal's own session: the API session token and its CSRF token, in one HttpOnly,
 * SameSite=Lax cookie on the portal's origin. The browser never sees or sends the API's cookie;
 * the portal forwards it on every server-side call (see apiRequest's `auth`).
 */
export const PORTAL_COOKIE = "interlend_portal";

export type Role = "patron" | "staff" | "admin";

export interface SessionUser {
  role: Role;
  name: string;
  library: { id: number; code: string; name: string } | null;
}

type Fetch = typeof fetch;

/** The API session stored in the portal cookie, or undefined when absent or unreadable. */
export function decodeAuth(value: string | undefined): ApiAuth | undefined {
  if (!value) return undefined;
  try {
    const parsed = JSON.parse(Buffer.from(value, "base64url").toString("utf8")) as { t?: unknown; c?: unknown };
    if (typeof parsed.t === "string" && parsed.t !== "" && typeof parsed.c === "string") {
      return { token: parsed.t, csrfToken: parsed.c };
    }
  } catch {
    // A damaged cookie is treated as no session.
  }
  return undefined;
}

export function encodeAuth(auth: ApiAuth): string {
  return Buffer.from(JSON.stringify({ t: auth.token, c: auth.csrfToken }), "utf8").toString("base64url");
}

export function readAuth(cookies: Cookies): ApiAuth | undefined {
  return decodeAuth(cookies.get(PORTAL_COOKIE));
}

export function writeAuth(cookies: Cookies, auth: ApiAuth, secure: boolean): void {
  // A browser-session cookie: the API enforces idle and absolute expiry of the session itself.
  cookies.set(PORTAL_COOKIE, encodeAuth(auth), { path: "/", httpOnly: true, sameSite: "lax", secure });
}

export function clearAuth(cookies: Cookies, secure: boolean): void {
  cookies.delete(PORTAL_COOKIE, { path: "/", httpOnly: true, sameSite: "lax", secure });
}

function isRole(v: unknown): v is Role {
  return v === "patron" || v === "staff" || v === "admin";
}

/** Reads the body of /v1/auth/me and of the sign-in routes. */
export function parseSessionUser(body: unknown): (SessionUser & { csrfToken: string | null }) | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const b = body as Record<string, unknown>;
  if (!isRole(b.role) || typeof b.name !== "string") return undefined;
  const lib = b.library as Record<string, unknown> | null | undefined;
  const library =
    lib && typeof lib.code === "string"
      ? { id: Number(lib.id), code: lib.code, name: typeof lib.name === "string" ? lib.name : lib.code }
      : null;
  return { role: b.role, name: b.name, library, csrfToken: typeof b.csrfToken === "string" ? b.csrfToken : null };
}

/** The API session token from a sign-in response's Set-Cookie header(s). */
export function sessionTokenFrom(headers: Headers): string | undefined {
  const all = typeof headers.getSetCookie === "function" ? headers.getSetCookie() : [headers.get("set-cookie") ?? ""];
  for (const line of all) {
    const first = line.split(";")[0] ?? "";
    const eq = first.indexOf("=");
    if (eq > 0 && first.slice(0, eq).trim() === API_SESSION_COOKIE) {
      const value = first.slice(eq + 1).trim();
      if (value !== "") return value;
    }
  }
  return undefined;
}

export type SignIn =
  | { kind: "patron"; library: string; cardNumber: string; pin: string }
  | { kind: "staff"; email: string; password: string };

/** Signs in at the API; throws ApiError subclasses (a 401 problem for wrong credentials). */
export async function signInAtApi(
  fetchFn: Fetch,
  credentials: SignIn,
): Promise<{ auth: ApiAuth; user: SessionUser }> {
  const { kind, ...body } = credentials;
  const answer = await apiRequest(fetchFn, kind === "patron" ? "/v1/auth/patron/login" : "/v1/auth/staff/login", {
    method: "POST",
    body,
  });
  const token = sessionTokenFrom(answer.headers);
  const parsed = parseSessionUser(answer.body);
  if (!token || !parsed || !parsed.csrfToken) {
    throw new ApiProblemError({ type: "about:blank", title: "Sign-in failed", status: 502, detail: "The API did not start a session." });
  }
  const { csrfToken, ...user } = parsed;
  return { auth: { token, csrfToken }, user };
}

/** Who the stored API session belongs to; undefined when the API no longer knows it. */
export async function whoAmI(fetchFn: Fetch, auth: ApiAuth): Promise<{ auth: ApiAuth; user: SessionUser } | undefined> {
  try {
    const answer = await apiRequest(fetchFn, "/v1/auth/me", { auth });
    const parsed = parseSessionUser(answer.body);
    if (!parsed) return undefined;
    const { csrfToken, ...user } = parsed;
    return { auth: { token: auth.token, csrfToken: csrfToken ?? auth.csrfToken }, user };
  } catch (e) {
    if (e instanceof ApiProblemError && (e.status === 401 || e.status === 403)) return undefined;
    throw e;
  }
}

/** Ends the API session; failures are ignored (the portal cookie is dropped either way). */
export async function signOutAtApi(fetchFn: Fetch, auth: ApiAuth): Promise<void> {
  try {
    await apiRequest(fetchFn, "/v1/auth/logout", { method: "POST", auth });
  } catch {
    // Already gone, or the API is down: nothing more to do here.
  }
}
