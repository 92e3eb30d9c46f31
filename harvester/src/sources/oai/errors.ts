import { isRetryableStatus, SourceError } from "../shared/errors.ts";
import type { HttpErrorClasses } from "../shared/http-get.ts";

/**
 * Errors of the OAI-PMH client. `OaiHarvestError` is the root; `retryable` (see SourceError) is
 * true for network trouble, 5xx and truncated transfers, false for protocol errors, malformed XML
 * and an XML bomb.
 */
export class OaiHarvestError extends SourceError {}

/** An `<error code="...">` from the repository (other than noRecordsMatch, which is success). */
export class OaiError extends OaiHarvestError {
  constructor(
    readonly code: string,
    readonly oaiMessage: string,
    readonly httpStatus?: number,
  ) {
    super(`OAI-PMH error ${code}${oaiMessage ? `: ${oaiMessage}` : ""}`);
  }
}

/** The response is not a usable OAI-PMH document: malformed XML, wrong root, DOCTYPE with entities. */
export class OaiProtocolError extends OaiHarvestError {}

/** An HTTP status that carries no OAI-PMH answer. 5xx, 408 and 429 are retryable. */
export class OaiHttpError extends OaiHarvestError {
  constructor(
    readonly status: number,
    message: string,
    retryAfterMs?: number,
  ) {
    super(message, { retryable: isRetryableStatus(status), retryAfterMs });
  }
}

/** Connection refused / reset / dropped mid-body, timeouts, truncated documents: retryable. */
export class OaiNetworkError extends OaiHarvestError {
  constructor(message: string, cause?: unknown) {
    super(message, { retryable: true, cause });
  }
}

/** No byte for idleTimeoutMs, or the whole exchange took longer than requestTimeoutMs. */
export class OaiTimeoutError extends OaiNetworkError {}

/** The body grew past maxResponseBytes (counted after decompression). Not retried. */
export class OaiResponseTooLargeError extends OaiHarvestError {}

/** The shared HTTP client's failures as OAI errors. */
export const OAI_HTTP_ERRORS: HttpErrorClasses = {
  network: OaiNetworkError,
  timeout: OaiTimeoutError,
  tooLarge: OaiResponseTooLargeError,
};
