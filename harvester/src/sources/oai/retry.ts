import { DEFAULT_RETRY_POLICY, type RetryPolicy } from "../shared/retry.ts";

export { parseRetryAfter } from "../shared/retry.ts";

/** The OAI client's retry settings, counted in attempts (the first one included). */
export interface RetryOptions extends Required<Omit<RetryPolicy, "retries">> {
  /** Tries per request, the first included. */
  attempts: number;
}

export const DEFAULT_RETRY: RetryOptions = {
  attempts: 6,
  baseDelayMs: DEFAULT_RETRY_POLICY.baseDelayMs,
  maxDelayMs: 60_000,
  maxRetryAfterMs: DEFAULT_RETRY_POLICY.maxRetryAfterMs,
  jitter: DEFAULT_RETRY_POLICY.jitter,
};

/** The shared retry helper's policy for these settings. */
export function toRetryPolicy({ attempts, ...policy }: RetryOptions): RetryPolicy {
  return { ...policy, retries: Math.max(0, attempts - 1) };
}
