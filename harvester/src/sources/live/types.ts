import type { ItemStatus } from "../../normalise/types.ts";

/** One copy as the member's system reports it right now. */
export interface LiveHolding {
  barcode?: string;
  callNumber?: string;
  location?: string;
  status: ItemStatus;
  /** YYYY-MM-DD, for copies on loan when the system says. */
  dueDate?: string;
}

/** One title at one member: by ISBN (any form, hyphens allowed) or by the member's record id (001). */
export interface LiveQuery {
  isbn?: string;
  localId?: string;
}

/**
 * The outcome of a lookup:
 * - found: the title's copies (an empty list when the record has no holdings);
 * - not_found: no record matches;
 * - unavailable: no answer in time, or an error — use the harvested status instead.
 */
export type LiveResult =
  { kind: "found"; holdings: LiveHolding[] } | { kind: "not_found" } | { kind: "unavailable"; error: Error };

export interface LiveAvailability {
  /**
   * Holdings with current status, or undefined when there is no live answer (not found, timeout,
   * unreachable, error) so the caller falls back to the harvested status. Never takes longer than
   * the lookup timeout (≤ 2 s); rejects only when the caller's `signal` aborts.
   */
  check(query: LiveQuery, signal: AbortSignal): Promise<LiveHolding[] | undefined>;
  /** Like check, but says why there is no answer. */
  lookup(query: LiveQuery, signal: AbortSignal): Promise<LiveResult>;
}
