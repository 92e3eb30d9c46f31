/** Why a live lookup gave no answer; the caller falls back to the harvested status. */
export class LiveAvailabilityError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The member's system did not answer within the lookup timeout (≤ 2 s). */
export class LiveAvailabilityTimeoutError extends LiveAvailabilityError {}
