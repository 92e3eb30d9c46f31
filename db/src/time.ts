/** The one clock every row's timestamp comes from (ISO-8601 UTC). */
export function nowIso(): string {
  return new Date().toISOString();
}
