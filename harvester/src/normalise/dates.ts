/** Dates found in MARC: 005 timestamps, publication years and item due dates. */

function isValidDate(year: number, month: number, day: number): boolean {
  if (month < 1 || month > 12 || day < 1) return false;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

/**
 * 005 "YYYYMMDDhhmmss.f" (local time of the cataloguing system, read as UTC) → ISO string.
 * Returns `undefined` for anything malformed, including impossible dates and times.
 */
export function parseMarcTimestamp(value: string | undefined): string | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.(\d*))?$/.exec(value?.trim() ?? "");
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  if (year < 1900 || !isValidDate(year, month, day) || hour > 23 || minute > 59 || second > 59) {
    return undefined;
  }
  const tenths = Number((match[7] ?? "").slice(0, 1) || "0");
  return new Date(Date.UTC(year, month - 1, day, hour, minute, second, tenths * 100)).toISOString();
}

/** The first plausible four-digit year (1000–2999) in free text such as 260 $c "c2000.". */
export function firstYear(text: string | undefined): number | undefined {
  const match = /(?<!\d)([12]\d{3})(?!\d)/.exec(text ?? "");
  return match ? Number(match[1]) : undefined;
}

const MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"];

function monthNumber(name: string): number {
  return MONTHS.indexOf(name.slice(0, 3).toLowerCase()) + 1;
}

function isoDate(year: number, month: number, day: number): string | undefined {
  if (year < 100) year += 2000;
  return isValidDate(year, month, day) ? `${pad(year, 4)}-${pad(month)}-${pad(day)}` : undefined;
}

/**
 * A due date as ILSs write it → YYYY-MM-DD: "2024-03-01", "2024-03-01 23:59:00", "20240301",
 * "Due 03/01/2024" (US month/day/year), "01.03.2024" (day.month.year), "1 Mar 2024", "Mar 1, 2024".
 */
export function parseDueDate(text: string | undefined): string | undefined {
  const value = text?.trim() ?? "";
  let m = /(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)/.exec(value);
  if (m) return isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /(?<!\d)(\d{4})(\d{2})(\d{2})(?!\d)/.exec(value);
  if (m) return isoDate(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /(?<!\d)(\d{1,2})\/(\d{1,2})\/(\d{4}|\d{2})(?!\d)/.exec(value);
  if (m) return isoDate(Number(m[3]), Number(m[1]), Number(m[2]));
  m = /(?<!\d)(\d{1,2})\.(\d{1,2})\.(\d{4})(?!\d)/.exec(value);
  if (m) return isoDate(Number(m[3]), Number(m[2]), Number(m[1]));
  m = /(?<!\d)(\d{1,2})\s+([a-z]{3,9})\.?,?\s+(\d{4})(?!\d)/i.exec(value);
  if (m && monthNumber(m[2] ?? "") > 0) return isoDate(Number(m[3]), monthNumber(m[2] ?? ""), Number(m[1]));
  m = /([a-z]{3,9})\.?\s+(\d{1,2}),?\s+(\d{4})(?!\d)/i.exec(value);
  if (m && monthNumber(m[1] ?? "") > 0) return isoDate(Number(m[3]), monthNumber(m[1] ?? ""), Number(m[2]));
  return undefined;
}
