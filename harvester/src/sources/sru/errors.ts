import { isRetryableStatus, SourceError } from "../shared/errors.ts";
import type { HttpErrorClasses } from "../shared/http-get.ts";

/**
 * Errors of the SRU client. `SruError` is the root; `retryable` (see SourceError) is true for
 * network trouble, timeouts and HTTP 5xx/408/429, false for diagnostics and malformed responses.
 */
export class SruError extends SourceError {}

/** One SRU diagnostic (`<diagnostic><uri/><details/><message/></diagnostic>`). */
export interface SruDiagnostic {
  uri: string;
  message?: string;
  details?: string;
}

/** The number at the end of a standard diagnostic URI (info:srw/diagnostic/1/16 → 16). */
export function diagnosticCode(uri: string): number | undefined {
  const match = /^info:srw\/diagnostic\/1\/(\d+)$/.exec(uri.trim());
  return match ? Number(match[1]) : undefined;
}

function describe(diagnostic: SruDiagnostic): string {
  const text = [diagnostic.message, diagnostic.details]
    .filter((part) => part && part.trim() !== "")
    .join(": ");
  return text ? `${text} (${diagnostic.uri})` : diagnostic.uri;
}

/** The server answered with a diagnostic instead of (or before) the records: the run fails with it. */
export class SruDiagnosticError extends SruError {
  readonly code: number | undefined;

  constructor(
    readonly diagnostic: SruDiagnostic,
    readonly url: string,
  ) {
    super(`SRU diagnostic from ${hostOf(url)}: ${describe(diagnostic)}`);
    this.code = diagnosticCode(diagnostic.uri);
  }
}

/** An HTTP status without an SRU answer in the body. 5xx, 408 and 429 are retryable (after Retry-After). */
export class SruHttpError extends SruError {
  constructor(
    readonly status: number,
    readonly url: string,
    retryAfterMs?: number,
  ) {
    super(`SRU request to ${hostOf(url)} failed with HTTP ${status}`, {
      retryable: isRetryableStatus(status),
      retryAfterMs,
    });
  }
}

/** Connection refused / reset / dropped mid-body: retryable. */
export class SruNetworkError extends SruError {
  constructor(message: string, cause?: unknown) {
    super(message, { retryable: true, cause });
  }
}

/** No complete answer within the request timeout: retryable. */
export class SruTimeoutError extends SruNetworkError {}

/** Not a usable SRU response: malformed XML, another root element, a DOCTYPE with entities. */
export class SruProtocolError extends SruError {}

/** The shared HTTP client's failures as SRU errors (a response too large is not SRU we can use). */
export const SRU_HTTP_ERRORS: HttpErrorClasses = {
  network: SruNetworkError,
  timeout: SruTimeoutError,
  tooLarge: SruProtocolError,
};

/** "host:port" of a URL, for messages (never the query, which may be long). */
export function hostOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.host}${parsed.pathname}`;
  } catch {
    return url;
  }
}
