/**
 * Errors of the OAI-PMH client. `OaiHarvestError` is the root; `retryable` tells the retry loop
 * whether asking again may help (network trouble, 5xx, truncated transfers) or not (protocol
 * errors, malformed XML, an XML bomb).
 */
export class OaiHarvestError extends Error {
  readonly retryable: boolean;

  constructor(message: string, options: { retryable?: boolean; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.retryable = options.retryable ?? false;
  }
}

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
    readonly retryAfterMs?: number,
  ) {
    super(message, { retryable: status >= 500 || status === 408 || status === 429 });
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
