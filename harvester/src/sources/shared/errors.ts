/**
 * The root of every protocol client's errors (OAI-PMH, SRU, Z39.50). `retryable` tells the retry
 * loop whether asking again may help (network trouble, timeouts, a busy server) or not (protocol
 * errors, diagnostics, malformed or hostile XML); `retryAfterMs` is how long the server asked us
 * to wait (HTTP Retry-After), when it did.
 */
export class SourceError extends Error {
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;

  constructor(
    message: string,
    options: { retryable?: boolean; retryAfterMs?: number; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retryable = options.retryable ?? false;
    this.retryAfterMs = options.retryAfterMs;
  }
}

/** HTTP statuses worth asking again: the server is busy, failing or timed out (5xx, 408, 429). */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}
