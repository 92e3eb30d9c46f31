import { describe, expect, it } from "vitest";
import type { LoanRequest } from "$lib/api-types";
import { byDueDate, daysOverdue } from "./staff";

describe("overdue list", () => {
  const now = new Date("2026-03-10T15:00:00Z");

  it("counts whole days past the due date", () => {
    expect(daysOverdue("2026-03-01", now)).toBe(9);
    expect(daysOverdue("2026-03-10", now)).toBe(0);
    expect(daysOverdue("2026-04-01", now)).toBe(0);
    expect(daysOverdue(undefined, now)).toBe(0);
    expect(daysOverdue("someday", now)).toBe(0);
  });

  it("puts the longest overdue first and undated last", () => {
    const r = (id: string, dueDate?: string) => ({ id, ...(dueDate && { dueDate }) }) as LoanRequest;
    expect([r("a"), r("b", "2026-03-05"), r("c", "2026-02-01")].sort(byDueDate).map((x) => x.id)).toEqual(["c", "b", "a"]);
  });
});
