/**
 * Business hours in a member's own time zone (Mon–Fri, 09:00–17:00 by default; weekends are
 * closed; a member can set its own hours, closed weekdays and closed dates), computed with Intl alone.
 */
import type { OpeningHours } from "@interlend/db";

/** Opening and closing hour (local, 0–24), closed weekdays (0 = Sunday), closed dates (YYYY-MM-DD, local). */
export type BusinessHours = OpeningHours;

export const DEFAULT_BUSINESS_HOURS: BusinessHours = { open: 9, close: 17, closedDays: [0, 6] };

const WEEKDAYS: Record<string, number> = { Sun: 0, Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6 };
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      weekday: "short",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** A valid IANA zone name, or UTC. */
export function safeTimeZone(timeZone: string | null | undefined): string {
  if (!timeZone) return "UTC";
  try {
    formatter(timeZone);
    return timeZone;
  } catch {
    return "UTC";
  }
}

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  weekday: number;
}

/** The local date and time at instant `ms` in `timeZone`. */
export function wallClock(ms: number, timeZone: string): WallClock {
  const parts: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(ms))) parts[part.type] = part.value;
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
    weekday: WEEKDAYS[parts.weekday ?? ""] ?? 0,
  };
}

/** The instant at which the wall clock in `timeZone` shows the given local date and time. */
export function instantOf(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): number {
  const target = Date.UTC(year, month - 1, day, hour, minute);
  let guess = target;
  for (let i = 0; i < 4; i++) {
    const w = wallClock(guess, timeZone);
    const diff = target - Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
    if (diff === 0) break;
    guess += diff;
  }
  return guess;
}

const pad = (n: number) => String(n).padStart(2, "0");

function isClosed(w: WallClock, schedule: BusinessHours, closedDates: ReadonlySet<string>): boolean {
  return schedule.closedDays.includes(w.weekday) || (closedDates.size > 0 && closedDates.has(`${w.year}-${pad(w.month)}-${pad(w.day)}`));
}

function nextDay(w: WallClock): { year: number; month: number; day: number } {
  const d = new Date(Date.UTC(w.year, w.month - 1, w.day + 1));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/**
 * The instant `hours` business hours after `startMs` in `timeZone`: time outside opening hours
 * and on closed days or dates does not count. A start outside hours counts from the next opening.
 */
export function addBusinessHours(startMs: number, hours: number, timeZone: string, schedule: BusinessHours = DEFAULT_BUSINESS_HOURS): number {
  const zone = safeTimeZone(timeZone);
  let remaining = hours * 3_600_000;
  let t = startMs;
  const closedDates = new Set(schedule.closedDates ?? []);
  for (let guard = 0; guard < 100_000; guard++) {
    const w = wallClock(t, zone);
    if (isClosed(w, schedule, closedDates) || w.hour >= schedule.close) {
      const next = nextDay(w);
      t = instantOf(next.year, next.month, next.day, schedule.open, 0, zone);
      continue;
    }
    if (w.hour < schedule.open) {
      t = instantOf(w.year, w.month, w.day, schedule.open, 0, zone);
      continue;
    }
    const closing = instantOf(w.year, w.month, w.day, schedule.close, 0, zone);
    const available = closing - t;
    if (remaining <= available) return t + remaining;
    remaining -= available;
    t = closing;
  }
  throw new Error(`addBusinessHours: no business hours found in ${zone}`);
}
