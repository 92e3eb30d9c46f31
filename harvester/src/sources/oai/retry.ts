import { setTimeout as sleep } from "node:timers/promises";
import { OaiHarvestError, OaiHttpError } from "./errors.ts";

export interface RetryOptions {
  /** Tries per request, the first included. */
  attempts: number;
  /** First backoff delay; doubles on each retry. */
  baseDelayMs: number;
  /** Cap of the exponential backoff. */
  maxDelayMs: number;
  /** Cap of a server's Retry-After (a server asking for an hour gets this). */
  maxRetryAfterMs: number;
  /** Random extra wait, as a fraction of the delay (0.2 = up to +20 %), so clients spread out. */
  jitter: number;
}

export const DEFAULT_RETRY: RetryOptions = {
  attempts: 6,
  baseDelayMs: 1_000,
  maxDelayMs: 60_000,
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

/** Delay before retry number `retry` (1-based) after `error`, with cap and jitter. */
function retryDelay(
  error: unknown,
  retry: number,
  options: RetryOptions,
  random = Math.random,
): number {
  const retryAfter = error instanceof OaiHttpError ? error.retryAfterMs : undefined;
  const base =
    retryAfter !== undefined
      ? Math.min(retryAfter, options.maxRetryAfterMs)
      : Math.min(options.baseDelayMs * 2 ** (retry - 1), options.maxDelayMs);
  return Math.round(base * (1 + options.jitter * random()));
}

export function isRetryable(error: unknown): boolean {
  return error instanceof OaiHarvestError && error.retryable;
}

/**
 * Runs `attempt` until it succeeds, a non-retryable error occurs or the attempts run out.
 * `onRetry` hears about each failure that will be retried (for logging).
 */
export async function withRetry<T>(
  attempt: () => Promise<T>,
  options: RetryOptions,
  signal: AbortSignal | undefined,
  onRetry?: (error: unknown, retry: number, delayMs: number) => void,
): Promise<T> {
  for (let tried = 1; ; tried++) {
    signal?.throwIfAborted();
    try {
      return await attempt();
    } catch (error) {
      signal?.throwIfAborted();
      if (!isRetryable(error) || tried >= options.attempts) throw error;
      const delay = retryDelay(error, tried, options);
      onRetry?.(error, tried, delay);
      await sleep(delay, undefined, { signal });
    }
  }
}
