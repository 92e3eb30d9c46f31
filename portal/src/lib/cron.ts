import { t } from "$lib/i18n";

/**
 * A human reading of a cron schedule ("every day at 02:00"), for the common shapes a harvest
 * schedule takes. Anything it does not recognise gets undefined, and the page shows the
 * expression itself: better no reading than a wrong one.
 */

const DAY_NAMES = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"] as const;
const MONTH_NAMES = [
  "january", "february", "march", "april", "may", "june",
  "july", "august", "september", "october", "november", "december",
] as const;

const NUMBER = /^\d{1,2}$/;

function pad(n: number): string {
  return String(n).padStart(2, "0");
}

/** Numbers from a list field ("1,15"); undefined when the field is anything else. */
function list(field: string, min: number, max: number): number[] | undefined {
  const parts = field.split(",");
  const out: number[] = [];
  for (const part of parts) {
    if (!NUMBER.test(part)) return undefined;
    const n = Number(part);
    if (n < min || n > max) return undefined;
    out.push(n);
  }
  return out;
}

/** Day-of-week numbers (0–7, 7 = Sunday) from a list or a range ("1-5"). */
function days(field: string): number[] | undefined {
  const range = /^(\d)-(\d)$/.exec(field);
  if (range) {
    const from = Number(range[1]);
    const to = Number(range[2]);
    if (from > to || to > 7) return undefined;
    return Array.from({ length: to - from + 1 }, (_, i) => (from + i) % 7);
  }
  return list(field, 0, 7)?.map((d) => d % 7);
}

function joinWords(words: string[]): string {
  if (words.length <= 1) return words.join("");
  return `${words.slice(0, -1).join(", ")} ${t("cron.and")} ${words.at(-1)}`;
}

function dayName(d: number): string {
  return t(`cron.day.${DAY_NAMES[d]!}`);
}

export function describeCron(expression: string | null | undefined): string | undefined {
  if (!expression) return undefined;
  const fields = expression.trim().split(/\s+/);
  // Six fields: a leading seconds field, read only when it is a plain 0.
  if (fields.length === 6) {
    if (fields[0] !== "0") return undefined;
    fields.shift();
  }
  if (fields.length !== 5) return undefined;
  const [minute, hour, dom, month, dow] = fields as [string, string, string, string, string];

  // Sub-daily: every minute, every N minutes, hourly, every N hours.
  if (dom === "*" && month === "*" && dow === "*") {
    if (minute === "*" && hour === "*") return t("cron.everyMinute");
    const everyMinutes = /^\*\/(\d{1,2})$/.exec(minute);
    if (everyMinutes && hour === "*") return t("cron.everyMinutes", { n: Number(everyMinutes[1]) });
    const minutes = list(minute, 0, 59);
    if (minutes?.length === 1) {
      const m = minutes[0]!;
      if (hour === "*") return t("cron.everyHour", { minute: pad(m) });
      const everyHours = /^\*\/(\d{1,2})$/.exec(hour);
      if (everyHours) return t("cron.everyHours", { n: Number(everyHours[1]), minute: pad(m) });
    }
  }

  const minutes = list(minute, 0, 59);
  const hours = list(hour, 0, 23);
  if (!minutes || !hours || minutes.length !== 1) return undefined;
  const times = joinWords(hours.map((h) => `${pad(h)}:${pad(minutes[0]!)}`));

  if (month === "*" && dom === "*") {
    if (dow === "*") return t("cron.daily", { times });
    const d = days(dow);
    if (!d) return undefined;
    const unique = [...new Set(d)].sort((a, b) => a - b);
    if (unique.join(",") === "1,2,3,4,5") return t("cron.weekdays", { times });
    if (unique.join(",") === "0,6") return t("cron.weekends", { times });
    // Monday first, Sunday last, as people read a week.
    const ordered = [...unique.filter((x) => x !== 0), ...unique.filter((x) => x === 0)];
    return t("cron.weekly", { days: joinWords(ordered.map(dayName)), times });
  }
  if (dow !== "*") return undefined;
  const dates = list(dom, 1, 31);
  if (!dates) return undefined;
  const dateWords = joinWords(dates.map(String));
  if (month === "*") return t("cron.monthly", { dates: dateWords, times });
  const months = list(month, 1, 12);
  if (!months) return undefined;
  return t("cron.yearly", {
    dates: dateWords,
    months: joinWords(months.map((m) => t(`cron.month.${MONTH_NAMES[m - 1]!}`))),
    times,
  });
}
