import type { Context, MiddlewareHandler } from "hono";
import { problem } from "../http/problem.ts";

/**
 * A sliding-window limiter: at most `limit` events per key in any `windowMs`. Keys are strings
 * the caller chooses ("ip:…", "patron:…"). State lives in this process's memory: with several API
 * instances each enforces its own window (a per-instance limit, which still bounds guessing to
 * limit × instances); put the store in the db or Redis if that ever matters.
 */
export interface RateLimitDecision {
  allowed: boolean;
  /** Events left in the window after this one. */
  remaining: number;
  /** Seconds until one more event would be allowed (0 when allowed). */
  retryAfterSeconds: number;
}

export interface RateLimiter {
  readonly limit: number;
  readonly windowMs: number;
  /** Whether one more event would be allowed; records nothing. */
  check(key: string): RateLimitDecision;
  /** Records an event if allowed; a refused event is not recorded (it does not extend the wait). */
  hit(key: string): RateLimitDecision;
  /** Forgets a key (e.g. an account's failures after a good sign-in). */
  reset(key: string): void;
  /** Number of keys held (for tests and metrics). */
  size(): number;
}

export interface RateLimiterOptions {
  limit: number;
  windowMs: number;
  /** Bound on memory: beyond this many keys, expired ones are swept and then the oldest dropped. */
  maxKeys?: number;
  /** Clock in milliseconds (tests). */
  now?: () => number;
}

export function rateLimiter(options: RateLimiterOptions): RateLimiter {
  const { limit, windowMs } = options;
  if (!(limit >= 1) || !(windowMs > 0)) throw new RangeError("rateLimiter: limit ≥ 1 and windowMs > 0 are required");
  const maxKeys = options.maxKeys ?? 100_000;
  const now = options.now ?? Date.now;
  /** Event times per key, oldest first. Map order = first use, so eviction drops old keys. */
  const events = new Map<string, number[]>();
  let lastSweep = now();

  const live = (key: string, at: number): number[] => {
    const times = events.get(key);
    if (!times) return [];
    let drop = 0;
    while (drop < times.length && times[drop]! <= at - windowMs) drop++;
    if (drop > 0) times.splice(0, drop);
    if (times.length === 0) events.delete(key);
    return times;
  };

  const sweep = (at: number) => {
    lastSweep = at;
    for (const key of [...events.keys()]) live(key, at);
  };

  const decide = (times: number[], at: number, recording: boolean): RateLimitDecision => {
    const count = times.length + (recording ? 1 : 0);
    if (times.length >= limit) {
      const retryAfterMs = times[times.length - limit]! + windowMs - at;
      return { allowed: false, remaining: 0, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
    }
    return { allowed: true, remaining: Math.max(0, limit - count), retryAfterSeconds: 0 };
  };

  return {
    limit,
    windowMs,
    check(key) {
      const at = now();
      return decide(live(key, at), at, false);
    },
    hit(key) {
      const at = now();
      if (at - lastSweep > windowMs) sweep(at);
      const times = live(key, at);
      const decision = decide(times, at, true);
      if (!decision.allowed) return decision;
      if (times.length === 0) events.set(key, [at]);
      else times.push(at);
      if (events.size > maxKeys) {
        sweep(at);
        for (const oldest of events.keys()) {
          if (events.size <= maxKeys) break;
          events.delete(oldest);
        }
      }
      return decision;
    },
    reset(key) {
      events.delete(key);
    },
    size() {
      return events.size;
    },
  };
}

/** Sets Retry-After and throws the 429 problem (app.onError renders it with the header). */
export function throwTooManyRequests(c: Context, decision: RateLimitDecision, detail: string): never {
  c.header("Retry-After", String(decision.retryAfterSeconds));
  throw problem(429, "too-many-requests", "Too many requests", detail, { retryAfterSeconds: decision.retryAfterSeconds });
}

export interface RateLimitMiddlewareOptions {
  limiter: RateLimiter;
  /** The key for this request; undefined skips limiting (e.g. no principal yet). */
  key: (c: Context) => string | undefined;
  detail?: string;
}

/**
 * Counts every request that reaches it against `key(c)`; 429 with Retry-After once over the
 * limit. E.g. request placing per patron:
 * `rateLimit({ limiter: rateLimiter({ limit: 10, windowMs: 60_000 }), key: (c) => "patron:" + principalOf(c)?.id })`.
 */
export function rateLimit(options: RateLimitMiddlewareOptions): MiddlewareHandler {
  return async (c, next) => {
    const key = options.key(c);
    if (key !== undefined) {
      const decision = options.limiter.hit(key);
      if (!decision.allowed) {
        throwTooManyRequests(c, decision, options.detail ?? `Too many requests; try again in ${decision.retryAfterSeconds} s.`);
      }
      c.header("RateLimit-Remaining", String(decision.remaining));
    }
    await next();
  };
}
