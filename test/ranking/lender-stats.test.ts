/** Lender figures from request events and imported history, settings, and rankCopiesFor, on both dialects. */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  DEFAULT_POD_SETTINGS,
  getPodSettings,
  importLendingHistoryCsv,
  SettingsError,
  updatePodSettings,
} from "@interlend/db";
import {
  computeLenderStats,
  getLenderStats,
  invalidateLenderStats,
} from "@interlend/search-api/repositories/lender-stats";
import {
  rankCopiesFor,
  UnknownBorrowerError,
  type LiveAvailability,
  type LiveItemStatus,
} from "@interlend/search-api/services/ranking/index";
import { createTestDatabase, DIALECTS, postgresAvailable, type TestDatabase } from "../support/databases.ts";
import {
  cluster,
  DAY_MS,
  holding,
  member,
  pastRequests,
  patron,
  type Member,
  type PastRequest,
} from "./fixtures.ts";

describe.each(DIALECTS)("lender stats and ranking on %s", (dialect) => {
  let t: TestDatabase | undefined;
  let home: Member, fast: Member, slow: Member, fresh: Member, away: Member;
  let title: number;
  const now = Date.now();

  beforeAll(async () => {
    if (dialect === "postgres" && !(await postgresAvailable())) return;
    t = await createTestDatabase(dialect);
    const db = t.db;
    home = await member(db, "HOME", { latitude: 52.2, longitude: 0.12 });
    fast = await member(db, "FAST", { latitude: 52.6, longitude: 1.3 });
    slow = await member(db, "SLOW");
    fresh = await member(db, "FRESH");
    away = await member(db, "AWAY", {
      suspendedUntil: new Date(now + 10 * DAY_MS).toISOString().slice(0, 10),
    });
    const homePatron = await patron(db, home.library.id);
    const slowPatron = await patron(db, slow.library.id);
    title = await cluster(db);

    const request = (
      lender: Member,
      daysAgo: number,
      outcome: PastRequest["outcome"],
      turnaroundDays?: number,
      borrower = home,
      patronId = homePatron,
    ): PastRequest => ({
      borrower: borrower.library.id,
      lender: lender.library.id,
      patronId,
      clusterId: title,
      sentAt: now - daysAgo * DAY_MS,
      outcome,
      ...(turnaroundDays !== undefined && { turnaroundDays }),
    });
    await pastRequests(db, [
      // FAST: 9 filled (turnarounds 1,1,2,2,2,3,3,4,10 days), 1 said no, 1 still waiting.
      ...[1, 1, 2, 2, 2, 3, 3, 4].map((d, i) => request(fast, 20 + i, "shipped", d)),
      request(fast, 40, "shipped", 10, slow, slowPatron),
      request(fast, 41, "unfilled", 0.5),
      request(fast, 1, "pending"),
      // SLOW: two copies delivered in 5 and 7 days, one expired, one said no; and an old fast one.
      request(slow, 30, "delivered", 5),
      request(slow, 31, "delivered", 7),
      request(slow, 32, "expired", 2),
      request(slow, 33, "unfilled", 1),
      request(slow, 100, "shipped", 1),
    ]);
  });
  afterAll(async () => t?.dispose());
  afterEach(async () => {
    await t?.db.deleteFrom("settings").execute();
  });

  it("computes received, filled, fill rate, median and p90 turnaround, lent and borrowed per member", async (ctx) => {
    if (!t) return ctx.skip();
    const stats = await computeLenderStats(t.db, { windowDays: 90 });
    expect(stats.lenders.get(fast.library.id)).toMatchObject({
      received: 11,
      filled: 9,
      unfilled: 1,
      pending: 1,
      fillRate: 0.9,
      medianTurnaroundDays: 2,
      turnaroundSamples: 9,
      lent: 9,
      borrowed: 0,
    });
    expect(stats.lenders.get(fast.library.id)!.p90TurnaroundDays).toBeCloseTo(5.2, 6);
    expect(stats.lenders.get(slow.library.id)).toMatchObject({
      received: 4,
      filled: 2,
      unfilled: 2,
      fillRate: 0.5,
      medianTurnaroundDays: 6,
      lent: 2,
      borrowed: 1,
    });
    expect(stats.lenders.get(home.library.id)).toMatchObject({ received: 0, lent: 0, borrowed: 10 });
    expect(stats.pod).toMatchObject({ received: 15, filled: 11, unfilled: 3, turnaroundSamples: 11 });

    const longer = await computeLenderStats(t.db, { windowDays: 120 });
    expect(longer.lenders.get(slow.library.id)).toMatchObject({
      received: 5,
      filled: 3,
      medianTurnaroundDays: 5,
    });
  });

  it("imports turnaround history from CSV, reporting bad rows, and merges it with live events", async (ctx) => {
    if (!t) return ctx.skip();
    const day = (n: number) => new Date(now - n * DAY_MS).toISOString().slice(0, 10);
    const csv = [
      "Transaction ID;Lender;Borrower;Requested At;Shipped At;Filled",
      `T1;FRESH;HOME;${day(10)};${day(8)};yes`,
      `T2;FRESH;HOME;${day(12)};${day(9)};yes`,
      `T3;fresh;OUTSIDE;${day(14)} 09:30;${day(10)} 09:30;1`,
      `T4;FRESH;HOME;${day(15)};;no`,
      `T5;NOWHERE;HOME;${day(15)};;no`,
      `T6;FRESH;HOME;yesterday;;no`,
      `T7;FRESH;HOME;${day(5)};${day(6)};yes`,
      `T8;FRESH;HOME;${day(5)};;perhaps`,
      `T1;FRESH;HOME;${day(10)};${day(8)};yes`,
      `T9;FRESH;HOME;${day(200)};${day(199)};yes`,
    ].join("\n");
    const result = await importLendingHistoryCsv(t.db, csv);
    expect(result).toMatchObject({ imported: 5, duplicates: 1, failed: 4 });
    expect(result.rows.map((r) => [r.line, r.outcome])).toEqual([
      [6, "error"],
      [7, "error"],
      [8, "error"],
      [9, "error"],
      [10, "duplicate"],
    ]);
    expect(result.rows[0]!.error).toContain("NOWHERE is not a member code");
    expect(result.rows[1]!.error).toContain("requested_at must be a date");
    expect(result.rows[2]!.error).toContain("shipped_at is before requested_at");
    expect(result.rows[3]!.error).toContain("filled must be yes/no");

    const again = await importLendingHistoryCsv(t.db, csv);
    expect(again).toMatchObject({ imported: 0, duplicates: 6, failed: 4 });
    expect((await importLendingHistoryCsv(t.db, "lender,borrower\nFRESH,HOME")).error).toContain("requested");

    const stats = await computeLenderStats(t.db, { windowDays: 90 });
    expect(stats.fromHistory).toBe(4);
    expect(stats.lenders.get(fresh.library.id)).toMatchObject({
      received: 4,
      filled: 3,
      unfilled: 1,
      fillRate: 0.75,
      medianTurnaroundDays: 3,
      lent: 3,
    });
    expect(stats.lenders.get(home.library.id)!.borrowed).toBe(12);
  });

  it("caches the figures per database and refreshes them when invalidated", async (ctx) => {
    if (!t) return ctx.skip();
    invalidateLenderStats(t.db);
    const first = await getLenderStats(t.db, { windowDays: 90 });
    expect(await getLenderStats(t.db, { windowDays: 90 })).toBe(first);
    expect(await getLenderStats(t.db, { windowDays: 30 })).not.toBe(first);
    invalidateLenderStats(t.db);
    expect(await getLenderStats(t.db, { windowDays: 90 })).not.toBe(first);
  });

  it("keeps pod settings as validated JSON rows, merged over the defaults", async (ctx) => {
    if (!t) return ctx.skip();
    expect(await getPodSettings(t.db)).toEqual(DEFAULT_POD_SETTINGS);
    expect(DEFAULT_POD_SETTINGS).toMatchObject({
      ranking: { priorRequests: 10, windowDays: 90 },
      responseWindowHours: 48,
      requestLimits: { perPatron: 10, perMemberDaily: 500 },
      liveLookupTtlSeconds: 300,
      patronRetentionDays: 90,
    });
    const updated = await updatePodSettings(t.db, {
      ranking: { distanceWeight: 0.5 },
      requestLimits: { perPatron: 3 },
    });
    expect(updated.ranking).toEqual({ ...DEFAULT_POD_SETTINGS.ranking, distanceWeight: 0.5 });
    expect(updated.requestLimits).toEqual({ perPatron: 3, perMemberDaily: 500 });
    await updatePodSettings(t.db, { ranking: { windowDays: 30 } });
    expect((await getPodSettings(t.db)).ranking).toMatchObject({ distanceWeight: 0.5, windowDays: 30 });

    await expect(updatePodSettings(t.db, { ranking: { windowDays: -1 }, colour: "red" })).rejects.toThrow(
      SettingsError,
    );
    await expect(updatePodSettings(t.db, { responseWindowHours: "soon" })).rejects.toThrow(
      /responseWindowHours/,
    );

    // A row written by hand that no longer validates falls back key by key.
    await t.db
      .updateTable("settings")
      .set({ value: JSON.stringify({ windowDays: "ninety", distanceWeight: 0.25 }) })
      .where("key", "=", "ranking")
      .execute();
    await t.db.insertInto("settings").values({ key: "liveLookupTtlSeconds", value: "not json" }).execute();
    const repaired = await getPodSettings(t.db);
    expect(repaired.ranking).toEqual({ ...DEFAULT_POD_SETTINGS.ranking, distanceWeight: 0.25 });
    expect(repaired.liveLookupTtlSeconds).toBe(300);
  });

  it("ranks a title's copies from the db: candidates, figures, own shelf, suspension", async (ctx) => {
    if (!t) return ctx.skip();
    const db = t.db;
    const book = await cluster(db);
    await holding(db, book, home, [{ callNumber: "QA76 .H1" }]);
    await holding(db, book, fast, [
      { barcode: "FAST-1", status: "on_loan", dueDate: "2030-01-01" },
      { barcode: "FAST-2", callNumber: "QA76 .F2" },
    ]);
    await holding(db, book, slow, [{ barcode: "SLOW-1" }]);
    await holding(db, book, fresh, [{ barcode: "FRESH-1", loanType: "non_returnable" }]);
    await holding(db, book, away, [{ barcode: "AWAY-1" }]);
    invalidateLenderStats(db);

    const loan = await rankCopiesFor(db, book, home.library.id, { serviceType: "loan" });
    expect(loan!.ownShelf).toMatchObject({
      library: "HOME",
      callNumber: "QA76 .H1",
      statusAge: "as harvested just now",
    });
    expect(loan!.copies.map((c) => [c.library, c.callNumber])).toEqual([
      ["FAST", "QA76 .F2"],
      ["SLOW", expect.any(String)],
    ]);
    expect(loan!.copies[0]!.figures).toMatchObject({
      medianTurnaroundDays: 2,
      fillRate: 0.9,
      requestsConsidered: 10,
      lentMinusBorrowed: 9,
    });
    expect(loan!.copies[0]!.figures.distanceKm).toBeGreaterThan(50);
    expect(loan!.copies[0]!.reason).toBe(
      "on shelf · ships in ~2 days (median of 9) · lent 9 more than borrowed",
    );

    const copyRequest = await rankCopiesFor(db, book, home.library.id, { serviceType: "copy" });
    expect(copyRequest!.copies.map((c) => c.library)).toEqual(["FAST", "FRESH", "SLOW"]);
    expect(copyRequest!.copies[1]!.reason).toContain("new lender: pod average used");

    expect(await rankCopiesFor(db, 9_999_999, home.library.id, { serviceType: "loan" })).toBeUndefined();
    await expect(rankCopiesFor(db, book, 9_999_999, { serviceType: "loan" })).rejects.toThrow(
      UnknownBorrowerError,
    );
  });

  it("asks members' live sources with a timeout and a TTL cache, falling back to harvested status", async (ctx) => {
    if (!t) return ctx.skip();
    const db = t.db;
    const book = await cluster(db);
    await holding(db, book, fast, [{ barcode: "LIVE-FAST", status: "available" }]);
    await holding(db, book, slow, [
      { barcode: "LIVE-SLOW", callNumber: "LIVE CN", status: "on_loan", dueDate: "2030-01-01" },
    ]);
    await holding(db, book, home, [{ barcode: "LIVE-HOME", status: "on_loan", dueDate: "2030-01-01" }]);

    const calls: number[] = [];
    const answers = new Map<number, Map<string, LiveItemStatus>>([
      [fast.library.id, new Map([["LIVE-FAST", { status: "on_loan", dueDate: "2030-02-01" }]])],
      [slow.library.id, new Map([["LIVE CN", { status: "available" }]])],
    ]);
    const live: LiveAvailability = {
      async check(libraryId, _clusterId, signal) {
        calls.push(libraryId);
        if (libraryId === home.library.id) {
          // A member whose server hangs: only the timeout ends this.
          return new Promise((_resolve, reject) =>
            signal.addEventListener("abort", () => reject(signal.reason as Error)),
          );
        }
        return answers.get(libraryId);
      },
    };
    const started = Date.now();
    const ranked = await rankCopiesFor(db, book, home.library.id, {
      serviceType: "loan",
      liveAvailability: live,
      liveTimeoutMs: 200,
    });
    expect(Date.now() - started).toBeLessThan(1_500);
    expect(ranked!.copies.map((c) => [c.library, c.tier, c.dueDate, c.figures.statusAge])).toEqual([
      ["SLOW", "on_shelf", null, "checked live just now"],
      ["FAST", "on_loan", "2030-02-01", "checked live just now"],
    ]);
    expect(ranked!.ownShelf).toBeNull(); // HOME timed out: harvested "on loan" stands
    expect(calls.sort()).toEqual([fast.library.id, slow.library.id, home.library.id].sort());

    await rankCopiesFor(db, book, home.library.id, {
      serviceType: "loan",
      liveAvailability: live,
      liveTimeoutMs: 200,
    });
    expect(calls).toHaveLength(3); // all three answers (the timeout too) were cached

    await updatePodSettings(db, { liveLookupTtlSeconds: 0 });
    await rankCopiesFor(db, book, home.library.id, {
      serviceType: "loan",
      liveAvailability: live,
      liveTimeoutMs: 200,
    });
    expect(calls.length).toBeGreaterThan(3);
  });
});
