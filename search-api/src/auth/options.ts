import type { Context } from "hono";
import type { Kysely } from "kysely";
import type { Database, SessionOptions } from "@interlend/db";
import { rateLimiter, type RateLimiter } from "./rate-limit.ts";

export const SESSION_COOKIE = "interlend_session";
export const CSRF_HEADER = "x-csrf-token";

export interface AuthOptions {
  /** Idle timeout, absolute lifetime and write-back interval of sessions (12 h idle by default). */
  session?: SessionOptions;
  /**
   * How many reverse proxies in front of the API append to X-Forwarded-For. 0 (default): the
   * socket address is the client. 1: the last X-Forwarded-For entry is the client, and so on.
   * Never trust the header without a proxy that sets it, or anyone can pick their own IP.
   */
  trustedProxies?: number;
  /** Cookie `Secure` flag: "auto" (default) sets it when the request came over https (directly
   * or per X-Forwarded-Proto). */
  secureCookies?: boolean | "auto";
  /** Sign-in failure limiters (defaults: 5 per account and 20 per IP in 15 minutes). */
  loginLimiters?: { perAccount: RateLimiter; perIp: RateLimiter };
}

/** What the auth middleware and routes need; AppDeps satisfies it (add `auth?: AuthOptions` there to configure). */
export interface AuthDeps {
  db: Kysely<Database>;
  auth?: AuthOptions;
}

export const LOGIN_WINDOW_MS = 15 * 60 * 1000;

export function defaultLoginLimiters(): { perAccount: RateLimiter; perIp: RateLimiter } {
  return {
    perAccount: rateLimiter({ limit: 5, windowMs: LOGIN_WINDOW_MS }),
    perIp: rateLimiter({ limit: 20, windowMs: LOGIN_WINDOW_MS }),
  };
}

interface NodeBindings {
  incoming?: { socket?: { remoteAddress?: string } };
}

/** The client's address, honouring only as many X-Forwarded-For hops as there are trusted proxies. */
export function clientIp(c: Context, trustedProxies = 0): string {
  if (trustedProxies > 0) {
    const hops = (c.req.header("x-forwarded-for") ?? "")
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const entry = hops[hops.length - trustedProxies];
    if (entry) return entry;
  }
  const env = c.env as NodeBindings | undefined;
  return env?.incoming?.socket?.remoteAddress ?? "unknown";
}

export function requestIsHttps(c: Context): boolean {
  if (new URL(c.req.url).protocol === "https:") return true;
  const forwarded = c.req.header("x-forwarded-proto")?.split(",")[0]?.trim().toLowerCase();
  return forwarded === "https";
}
