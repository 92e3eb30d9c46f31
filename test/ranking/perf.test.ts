/**
 * Perf sanity: 100,000 past request events, a title held by 50 members. Prints the cold call (the
 * lender figures computed) and warm calls (figures cached); timing is reported, not asserted.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { computeLenderStats, invalidateLenderStats } from "@interlend/search-api/repositories/lender-stats";
import { rankCopiesFor } from "@interlend/search-api/services/ranking/index";
import { Random } from "../generator/prng.ts";
import { createTestDatabase, DIALECTS, postgresAvailable, type TestDatabase } from "../support/databases.ts";
import {
  cluster,
  DAY_MS,
  holding,
  member,
  pastRequests,
  patron,
  type Member,
  type Outcome,
  type PastRequest,
} from "./fixtures.ts";

const MEMBERS = 60;
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
    const db = t.db;
    for (let i = 0; i < MEMBERS; i++) {
      members.push(
        await member(db, `M${String(i).padStart(3, "0")}`, {
          latitude: 50 + (i % 10) * 0.3,
          longitude: -2 + Math.floor(i / 10) * 0.4,
        }),
      );
    }
    const patrons = await Promise.all(members.map((m) => patron(db, m.library.id)));
    title = await cluster(db);
    for (const holder of members.slice(1, HOLDERS + 1)) {
      await holding(db, title, holder, [{}, { status: "on_loan", dueDate: "2030-01-01" }]);
    }

    // Seeded, so every run seeds the same history.
    const rng = new Random(42);
    const random = () => rng.next();
    const now = Date.now();
    const requests: PastRequest[] = [];
    let planned = 0;
    const outcomes: Outcome[] = [
      "shipped",
      "shipped",
      "shipped",
      "delivered",
      "unfilled",
      "expired",
      "pending",
      "cancelled",
    ];
    const eventCount: Record<Outcome, number> = {
      shipped: 4,
      delivered: 3,
      unfilled: 3,
      expired: 3,
      pending: 2,
      cancelled: 3,
    };
    while (planned < TARGET_EVENTS) {
      const lender = Math.floor(random() * MEMBERS);
      const borrower = (lender + 1 + Math.floor(random() * (MEMBERS - 1))) % MEMBERS;
      const outcome = outcomes[Math.floor(random() * outcomes.length)]!;
      requests.push({
        borrower: members[borrower]!.library.id,
        lender: members[lender]!.library.id,
        patronId: patrons[borrower]!,
        clusterId: title,
        sentAt: now - random() * 120 * DAY_MS,
        outcome,
        turnaroundDays: 0.2 + random() * (2 + (lender % 7)),
      });
      planned += eventCount[outcome];
    }
    events = await pastRequests(db, requests, 1000);
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
