import type { Granularity } from "./small-verbs.ts";

/**
 * An ISO instant in the repository's granularity, rounded down (so an incremental harvest may
 * see a few records twice, never miss one): "2024-06-01T12:34:56.789Z" → "2024-06-01T12:34:56Z"
 * or "2024-06-01".
 */
export function toGranularity(instant: string, granularity: Granularity): string {
  const time = Date.parse(instant);
  if (Number.isNaN(time)) throw new RangeError(`not a date: ${JSON.stringify(instant)}`);
  const iso = new Date(time).toISOString();
  return granularity === "YYYY-MM-DD" ? iso.slice(0, 10) : `${iso.slice(0, 19)}Z`;
}

/** The later of two datestamps ("2024-01-02", "2024-01-02T10:00:00Z", ".000Z"); undefined ones lose. */
export function laterDatestamp(a: string | null | undefined, b: string | null | undefined): string | null {
  if (!a) return b || null;
  if (!b) return a;
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  if (Number.isNaN(ta) || Number.isNaN(tb)) return a >= b ? a : b;
  return tb > ta ? b : a;
}
