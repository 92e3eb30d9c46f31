/**
 * Perf sanity: 100,000 past request events, a title held by 50 members. Prints the cold call (the
 * lender figures computed) and warm calls (figures cached); timing is reported, not asserted.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeLenderStats, invalidateLenderStats } from "@interlend/search-api/repositories/lender-stats";
import { rankCopiesFor } from "@interlend/search-api/services/ranking/index";
import { createTestDatabase, DIALECTS, postgresAvailable, type TestDatabase } from "../support/databases.ts";
import type { Member } from "./fixtures.ts";
import { seedWideTitle } from "./wide-title.ts";

const HOLDERS = 50;
const TARGET_EVENTS = 100_000;

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

describe.each(DIALECTS)("ranking speed on %s", (dialect) => {
  let t: TestDatabase | undefined;
  const members: Member[] = [];
  let title = 0;
  let events = 0;

  beforeAll(async () => {
    if (dialect === "postgres" && !(await postgresAvailable())) return;
    t = await createTestDatabase(dialect);
    const wide = await seedWideTitle(t.db, { holders: HOLDERS, events: TARGET_EVENTS });
    members.push(...wide.members);
    title = wide.title;
    events = wide.events;
  });
  afterAll(async () => t?.dispose());

  it("ranks a title with 50 holdings against 100,000 request events in a few ms", async (ctx) => {
    if (!t) return ctx.skip();
    const db = t.db;
    const borrower = members[0]!.library.id;

    let start = process.hrtime.bigint();
    const stats = await computeLenderStats(db, { windowDays: 90 });
    const statsMs = ms(start);

    invalidateLenderStats(db);
    start = process.hrtime.bigint();
    const cold = await rankCopiesFor(db, title, borrower, { serviceType: "loan" });
    const coldMs = ms(start);

    const timings: number[] = [];
    for (let i = 0; i < 200; i++) {
      start = process.hrtime.bigint();
      await rankCopiesFor(db, title, borrower, { serviceType: "loan" });
      timings.push(ms(start));
    }
    timings.sort((a, b) => a - b);
    const p50 = timings[Math.floor(timings.length * 0.5)]!;
    const p95 = timings[Math.floor(timings.length * 0.95)]!;

    console.log(
      `[ranking perf, ${dialect}] ${events} request events, ${HOLDERS} holders (${cold!.copies.length} ranked): ` +
        `lender figures ${statsMs.toFixed(1)} ms (${stats.pod.received} attempts in 90 days); ` +
        `cold rankCopiesFor ${coldMs.toFixed(1)} ms; warm p50 ${p50.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms`,
    );
    expect(events).toBeGreaterThanOrEqual(TARGET_EVENTS);
    expect(cold!.copies).toHaveLength(HOLDERS);
    expect(cold!.copies.every((c) => c.tier === "on_shelf")).toBe(true);
  });
});
