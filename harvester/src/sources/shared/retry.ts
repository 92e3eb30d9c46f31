import { setTimeout as sleep } from "node:timers/promises";

export interface RetryPolicy {
  /** Attempts after the first (default 4). */
  retries?: number;
  /** First wait (default 1 s); doubled each time, with ±25 % jitter, capped at maxDelayMs. */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Runs `attempt` again after a growing, jittered pause while `isRetryable(error)` says asking again
 * may help. The pause ends early (and the abort reason is thrown) when `signal` aborts.
 */
export async function withRetry<T>(
  attempt: () => Promise<T>,
  options: RetryPolicy & {
    isRetryable: (error: unknown) => boolean;
    signal?: AbortSignal;
    onRetry?: (error: unknown, retry: number, delayMs: number) => void;
  },
): Promise<T> {
  const retries = options.retries ?? 4;
  const base = options.baseDelayMs ?? 1000;
  const cap = options.maxDelayMs ?? 30_000;
  for (let retry = 1; ; retry++) {
    try {
      return await attempt();
    } catch (error) {
      options.signal?.throwIfAborted();
      if (retry > retries || !options.isRetryable(error)) throw error;
      const exponential = Math.min(cap, base * 2 ** (retry - 1));
      const delay = Math.round(exponential * (0.75 + Math.random() * 0.5));
      options.onRetry?.(error, retry, delay);
      await sleep(delay, undefined, { signal: options.signal });
    }
  }
}
