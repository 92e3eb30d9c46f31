import { setTimeout as sleep } from "node:timers/promises";
import { SourceError } from "./errors.ts";

export interface RetryPolicy {
  /** Attempts after the first (default 4). */
  retries?: number;
  /** First wait (default 1 s), doubled on each retry up to maxDelayMs (default 30 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Cap on a server's Retry-After (default 5 min): a server asking for an hour gets this. */
  maxRetryAfterMs?: number;
  /** Random extra wait, as a fraction of the delay (default 0.2 = up to +20 %), so clients spread out. */
  jitter?: number;
}

export const DEFAULT_RETRY_POLICY: Required<RetryPolicy> = {
  retries: 4,
  baseDelayMs: 1_000,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 300_000,
  jitter: 0.2,
};

/** `Retry-After` as milliseconds from `now`: delta-seconds or an HTTP-date; undefined if unusable. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/**
 * The pause before retry number `retry` (1-based): the server's Retry-After when it sent one
 * (capped), else capped exponential backoff; plus up to `jitter` of it, never less.
 */
export function retryDelay(
  retry: number,
  retryAfterMs: number | undefined,
  policy: RetryPolicy = {},
  random = Math.random,
): number {
  const base =
    retryAfterMs !== undefined
      ? Math.min(retryAfterMs, policy.maxRetryAfterMs ?? DEFAULT_RETRY_POLICY.maxRetryAfterMs)
      : Math.min(
          (policy.baseDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs) * 2 ** (retry - 1),
          policy.maxDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
        );
  return Math.round(base * (1 + (policy.jitter ?? DEFAULT_RETRY_POLICY.jitter) * random()));
}

/** A SourceError that says asking again may help. */
export const isRetryableError = (error: unknown): boolean => error instanceof SourceError && error.retryable;

/**
 * Runs `attempt` again after a growing, jittered pause (or the server's Retry-After, from a
 * SourceError's `retryAfterMs`) while `isRetryable(error)` says asking again may help and retries
 * are left. The pause ends early (and the abort reason is thrown) when `signal` aborts.
 */
export async function withRetry<T>(
  attempt: () => Promise<T>,
  options: RetryPolicy & {
    isRetryable?: (error: unknown) => boolean;
    signal?: AbortSignal | undefined;
    onRetry?: (error: unknown, retry: number, delayMs: number) => void;
  },
): Promise<T> {
  const retries = options.retries ?? DEFAULT_RETRY_POLICY.retries;
  const isRetryable = options.isRetryable ?? isRetryableError;
  for (let retry = 1; ; retry++) {
    options.signal?.throwIfAborted();
    try {
      return await attempt();
    } catch (error) {
      options.signal?.throwIfAborted();
      if (retry > retries || !isRetryable(error)) throw error;
      const retryAfter = error instanceof SourceError ? error.retryAfterMs : undefined;
      const delay = retryDelay(retry, retryAfter, options);
      options.onRetry?.(error, retry, delay);
      await sleep(delay, undefined, { signal: options.signal });
    }
  }
}
