import { describe, expect, it } from "vitest";
import { addBusinessHours, instantOf, wallClock } from "./business-hours.ts";

const iso = (ms: number) => new Date(ms).toISOString();

describe("business hours", () => {
  it("counts only Monday to Friday, 09–17 local", () => {
    // Wednesday 10:00 UTC + 8 h → Thursday 10:00.
    expect(iso(addBusinessHours(Date.parse("2025-06-04T10:00:00Z"), 8, "UTC"))).toBe("2025-06-05T10:00:00.000Z");
    // Friday 16:00 + 2 h → Monday 10:00.
    expect(iso(addBusinessHours(Date.parse("2025-06-06T16:00:00Z"), 2, "UTC"))).toBe("2025-06-09T10:00:00.000Z");
    // Saturday night counts from Monday 09:00.
    expect(iso(addBusinessHours(Date.parse("2025-06-07T23:00:00Z"), 1, "UTC"))).toBe("2025-06-09T10:00:00.000Z");
    // 48 business hours = six working days.
    expect(iso(addBusinessHours(Date.parse("2025-06-02T09:00:00Z"), 48, "UTC"))).toBe("2025-06-09T17:00:00.000Z");
  });

  it("uses the member's own time zone, daylight saving included", () => {
    // Friday 16:00 EDT (20:00Z) + 8 h → Monday 16:00 EDT.
    expect(iso(addBusinessHours(Date.parse("2025-06-06T20:00:00Z"), 8, "America/New_York"))).toBe("2025-06-09T20:00:00.000Z");
    // In January New York is UTC−5.
    expect(iso(addBusinessHours(Date.parse("2025-01-10T21:00:00Z"), 8, "America/New_York"))).toBe("2025-01-13T21:00:00.000Z");
    // The same instant is Saturday 05:00 in Tokyo: counting starts Monday 09:00 JST.
    expect(iso(addBusinessHours(Date.parse("2025-06-06T20:00:00Z"), 8, "Asia/Tokyo"))).toBe("2025-06-09T08:00:00.000Z");
    // Across the spring change in Europe (Sunday 30 March 2025).
    expect(iso(addBusinessHours(Date.parse("2025-03-28T15:00:00Z"), 2, "Europe/Berlin"))).toBe("2025-03-31T08:00:00.000Z");
  });

  it("skips a member's closed dates and keeps its own hours and weekdays", () => {
    const holidayMonday = { open: 9, close: 17, closedDays: [0, 6], closedDates: ["2025-06-09"] };
    // Friday 16:00 + 2 h: Monday is a holiday → Tuesday 10:00.
    expect(iso(addBusinessHours(Date.parse("2025-06-06T16:00:00Z"), 2, "UTC", holidayMonday))).toBe("2025-06-10T10:00:00.000Z");
    // Closed dates are local dates: Monday 9 June in Tokyo starts at 8 June 15:00Z.
    expect(iso(addBusinessHours(Date.parse("2025-06-06T20:00:00Z"), 8, "Asia/Tokyo", holidayMonday))).toBe("2025-06-10T08:00:00.000Z");
    // Open Saturdays 10–14, closed Sundays and Mondays.
    const weekend = { open: 10, close: 14, closedDays: [0, 1] };
    // Friday 13:00 + 3 h → 1 h on Friday, 2 h on Saturday → Saturday 12:00.
    expect(iso(addBusinessHours(Date.parse("2025-06-06T13:00:00Z"), 3, "UTC", weekend))).toBe("2025-06-07T12:00:00.000Z");
    // Saturday 13:00 + 2 h → 1 h Saturday, then Tuesday 10:00 + 1 h.
    expect(iso(addBusinessHours(Date.parse("2025-06-07T13:00:00Z"), 2, "UTC", weekend))).toBe("2025-06-10T11:00:00.000Z");
  });

  it("falls back to UTC for an unknown zone", () => {
    expect(iso(addBusinessHours(Date.parse("2025-06-04T10:00:00Z"), 1, "Mars/Olympus"))).toBe("2025-06-04T11:00:00.000Z");
  });

  it("converts wall-clock times both ways", () => {
    const at = instantOf(2025, 11, 2, 9, 0, "America/Chicago");
    expect(iso(at)).toBe("2025-11-02T15:00:00.000Z");
    expect(wallClock(at, "America/Chicago")).toMatchObject({ year: 2025, month: 11, day: 2, hour: 9, minute: 0, weekday: 0 });
  });
});
