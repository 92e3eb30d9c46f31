/**
 * The day to harvest from in an incremental run, as YYYYMMDD: one day before the last successful
 * run started (UTC), because 005 timestamps are the library's local time and date indexes
 * compare whole days — re-reading a day's changes is cheap, missing them is not.
 */
export function incrementalFromDate(lastSuccessAt: string): string | undefined {
  let time = Date.parse(lastSuccessAt);
  if (Number.isNaN(time)) {
    // SQLite's "YYYY-MM-DD HH:MM:SS" (UTC) and similar.
    const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(lastSuccessAt.trim());
    if (!match) return undefined;
    time = Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]));
  }
  const day = new Date(time - 24 * 60 * 60 * 1000);
  if (Number.isNaN(day.getTime())) return undefined;
  return day.toISOString().slice(0, 10).replaceAll("-", "");
}
