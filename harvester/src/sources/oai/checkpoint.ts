import type { Checkpoint } from "../types.ts";

/**
 * Where an OAI-PMH harvest stands after a committed page. `resumptionToken` null means the list
 * is complete. `from`/`until` are those of the list's first request, so a badResumptionToken
 * restarts the same list. `highestDatestamp` is the latest header datestamp seen and
 * `responseDate` the server's clock at the last page: together they bound the next incremental
 * harvest by the repository's own time.
 */
export interface OaiCheckpoint {
  set: string | null;
  metadataPrefix: string;
  from: string | null;
  until: string | null;
  resumptionToken: string | null;
  highestDatestamp: string | null;
  responseDate: string | null;
  /** Records received so far in this run (positions continue from here on resume). */
  recordsSeen: number;
  [key: string]: unknown;
}

const nullableString = (value: unknown): value is string | null =>
  value === null || typeof value === "string";

/** The checkpoint to resume from, if `saved` is one of ours for the same prefix and set. */
export function readOaiCheckpoint(
  saved: Checkpoint | null,
  metadataPrefix: string,
  set: string | null,
): OaiCheckpoint | null {
  if (!saved) return null;
  const c = saved as Partial<OaiCheckpoint>;
  const valid =
    c.metadataPrefix === metadataPrefix &&
    (c.set ?? null) === set &&
    nullableString(c.from ?? null) &&
    nullableString(c.until ?? null) &&
    nullableString(c.resumptionToken ?? null) &&
    nullableString(c.highestDatestamp ?? null) &&
    nullableString(c.responseDate ?? null);
  if (!valid) return null;
  return {
    set,
    metadataPrefix,
    from: c.from ?? null,
    until: c.until ?? null,
    resumptionToken: c.resumptionToken ?? null,
    highestDatestamp: c.highestDatestamp ?? null,
    responseDate: c.responseDate ?? null,
    recordsSeen: typeof c.recordsSeen === "number" ? c.recordsSeen : 0,
  };
}
