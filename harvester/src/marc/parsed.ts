import type { MarcRecord } from "./record.ts";

/**
 * One record read from a MARC stream. Readers never throw for bad data: a record that cannot be
 * decoded comes back with `ok: false` and a readable reason, and reading carries on.
 */
export type ParsedRecord =
  | { ok: true; record: MarcRecord; position: number }
  | {
      ok: false;
      reason: string;
      /** 0-based ordinal of the record in the input, counting rejected ones. */
      position: number;
      /** The record as found (ISO 2709 bytes decoded as UTF-8, lossy), for the rejection log. */
      raw?: string;
    };

/** Why one record could not be parsed; `message` is meant for people reading the run log. */
export class MarcParseError extends Error {
  override readonly name = "MarcParseError";
}

/** Rejected records keep at most this much raw text. */
const MAX_RAW_CHARS = 100_000;

export function clipRaw(raw: string): string {
  return raw.length > MAX_RAW_CHARS ? `${raw.slice(0, MAX_RAW_CHARS)}…` : raw;
}
