import { en, type Messages } from "./en";

export type MessageKey = keyof Messages;
export type MessageVars = Record<string, string | number>;

const LOCALE = "en";
const messages: Readonly<Record<string, string | { one: string; other: string }>> = en;
const plurals = new Intl.PluralRules(LOCALE);
const numbers = new Intl.NumberFormat(LOCALE);

/** Formats a number for display ("1,234"). */
export function formatNumber(n: number): string {
  return numbers.format(n);
}

function interpolate(template: string, vars: MessageVars | undefined): string {
  if (!vars) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => {
    const value = vars[name];
    if (value === undefined) return whole;
    return typeof value === "number" ? formatNumber(value) : value;
  });
}

/**
 * Looks up a message and fills its placeholders. Plural messages pick their form from
 * `vars.count`. Numbers are formatted for the locale.
 */
export function t(key: MessageKey, vars?: MessageVars): string {
  const message = messages[key];
  if (message === undefined) return key;
  if (typeof message === "string") return interpolate(message, vars);
  const count = Number(vars?.count ?? 0);
  const form = plurals.select(count) === "one" ? message.one : message.other;
  return interpolate(form, vars);
}

/** Whether the catalogue has a message for this (dynamic) key. */
export function hasMessage(key: string): key is MessageKey {
  return Object.hasOwn(messages, key);
}

/** "Book" for "book"; unknown codes are shown as they are. */
export function formatLabel(code: string): string {
  const key = `format.${code}`;
  return hasMessage(key) ? t(key) : code;
}

/** "English" for "eng"; unknown codes are shown as they are. */
export function languageLabel(code: string): string {
  const key = `language.${code}`;
  return hasMessage(key) ? t(key) : code;
}

/** "On shelf" for "available"; unknown statuses are shown as they are. */
export function statusLabel(code: string): string {
  const key = `status.${code}`;
  return hasMessage(key) ? t(key) : code;
}

/** "Shipped" for "shipped"; unknown request states are shown as they are. */
export function stateLabel(code: string): string {
  const key = `state.${code}`;
  return hasMessage(key) ? t(key) : code.replaceAll("_", " ");
}

const dateTimes = new Intl.DateTimeFormat(LOCALE, { dateStyle: "medium", timeStyle: "short" });

/** "12 Mar 2025, 14:05" for an ISO timestamp; anything unreadable is shown as it is. */
export function formatDateTime(iso: string): string {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : dateTimes.format(ms);
}

/** "1 h 5 min" / "42 s" between two ISO timestamps; undefined when either is missing. */
export function formatDuration(from: string | null | undefined, to: string | null | undefined): string | undefined {
  if (!from || !to) return undefined;
  const ms = Date.parse(to) - Date.parse(from);
  if (!Number.isFinite(ms) || ms < 0) return undefined;
  const s = Math.round(ms / 1000);
  if (s < 60) return t("duration.seconds", { s });
  const m = Math.floor(s / 60);
  if (m < 60) return t("duration.minutes", { m, s: s % 60 });
  return t("duration.hours", { h: Math.floor(m / 60), m: m % 60 });
}
