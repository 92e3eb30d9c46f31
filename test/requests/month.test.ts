/**
 * A simulated month of requests through the real services and db: lenders with different speeds
 * and refusal rates and one suspended member. The figures the events produce feed the ranking, so
 * requests should drift toward the fast, reliable lenders, while the load balance keeps any one
 * member from carrying everything. Prints the shares; asserts the direction only.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createPatron, createSource, ensureLibrary, updatePodSettings, type Library } from "@interlend/db";
import { runHarvest } from "@interlend/harvester/run/run-harvest";
import { runExpiryJob } from "@interlend/search-api/jobs/index";
import { configureNotifications } from "@interlend/search-api/notifications/sender";
import type { Principal } from "@interlend/search-api/auth/principal";
import { performAction, placeRequest } from "@interlend/search-api/services/requests/index";
import { findRequest } from "@interlend/search-api/repositories/requests";
import { createTestDatabase, DIALECTS, postgresAvailable, type TestDatabase } from "../support/databases.ts";
import { bibRecord, memorySource } from "../support/marc-factory.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = Date.parse("2025-03-03T00:00:00.000Z"); // a Monday
const DAYS = 28;
const PER_DAY = 16;
const TITLES = 80;

interface LenderProfile {
  code: string;
  /** Typical days to answer. */
  speed: number;
  /** Chance of shipping when asked. */
  fill: number;
  suspended?: boolean;
}

const LENDERS: LenderProfile[] = [
  { code: "FAST", speed: 0.4, fill: 0.95 },
  { code: "STEADY", speed: 1.5, fill: 0.9 },
  { code: "SLOW", speed: 4, fill: 0.85 },
  { code: "FLAKY", speed: 0.8, fill: 0.35 },
  { code: "SUSP", speed: 0.2, fill: 1, suspended: true },
];
const BORROWERS = ["BA", "BB"];

/** Deterministic pseudo-random numbers (mulberry32). */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Outcome {
  /** Lender that got each request first, by week. */
  firstByWeek: Array<Record<string, number>>;
  /** Lender that got each request first in the first two days (before there are figures to learn from). */
  firstDays: Record<string, number>;
  /** Loans shipped by each lender over the month, and by week. */
  shipped: Record<string, number>;
  shippedByWeek: Array<Record<string, number>>;
  placed: number;
  notSupplied: number;
}

async function simulateMonth(database: TestDatabase, loadBalanceWeight: number): Promise<Outcome> {
  const db = database.db;
  configureNotifications(db, {});
  await updatePodSettings(db, {
    requestLimits: { perPatron: 1000, perMemberDaily: 10_000 },
    ranking: { loadBalanceWeight, turnaroundWeight: 1, priorRequests: 5 },
  });
  // Every member borrows too (so "lent − borrowed" nets out as in a real pod). Title i is held by
  // every lending member except one (i mod 5), whose patrons are the ones who ask for it.
  const libraries: Record<string, Library> = {};
  for (const l of LENDERS) {
    libraries[l.code] = await ensureLibrary(db, { code: l.code, name: `${l.code} Library`, suspendedUntil: l.suspended ? "2099-01-01" : null });
  }
  for (const code of BORROWERS) libraries[code] = await ensureLibrary(db, { code, name: `${code} Library` });
  for (const [index, l] of LENDERS.entries()) {
    const source = await createSource(db, { libraryId: libraries[l.code]!.id, name: `${l.code}-mem`, protocol: "file", endpoint: "memory" });
    const records = Array.from({ length: TITLES }, (_, i) => i)
      .filter((i) => i % LENDERS.length !== index)
      .map((i) => bibRecord({ id: `${l.code}-${i}`, title: `Month title ${i}`, author: "Author, Some", year: 1990, oclc: String(50_000 + i), items: [[`${l.code}-${i}`, "available"]] }));
    await runHarvest({ db, source, adapter: memorySource([records]) });
  }
  const patrons: Array<{ id: number; library: string; canAsk: (title: number) => boolean }> = [];
  for (const code of [...BORROWERS, ...LENDERS.map((l) => l.code)]) {
    const lenderIndex = LENDERS.findIndex((l) => l.code === code);
    for (let p = 0; p < 10; p++) {
      const row = await createPatron(db, { libraryId: libraries[code]!.id, cardNumber: `${code}${p}`, name: `Reader ${code}${p}`, email: null }, "!");
      patrons.push({ id: row.id, library: code, canAsk: (title) => lenderIndex < 0 || title % LENDERS.length === lenderIndex });
    }
  }
  const clusterRows = await db.selectFrom("bib_records").select(["cluster_id", "local_id"]).execute();
  const clusterOfTitle = new Map(clusterRows.map((r) => [Number(r.local_id.split("-")[1]), r.cluster_id!]));
  const profileById = new Map(LENDERS.map((l) => [libraries[l.code]!.id, l]));
  const codeById = new Map(Object.values(libraries).map((l) => [l.id, l.code]));
  const staffOf = (libraryId: number): Principal => ({ kind: "staff", id: libraryId, libraryId, libraryCode: codeById.get(libraryId)!, name: "sim", via: "session" });

  const rand = random(20250303);
  const weeks = () => Array.from({ length: Math.ceil(DAYS / 7) }, () => ({}) as Record<string, number>);
  const outcome: Outcome = { firstByWeek: weeks(), firstDays: {}, shipped: {}, shippedByWeek: weeks(), placed: 0, notSupplied: 0 };
  const count = (counts: Record<string, number> | undefined, code: string) => {
    if (counts) counts[code] = (counts[code] ?? 0) + 1;
  };
  type Task = { at: number; requestId: number; kind: "answer" | "receive" | "return" | "complete"; lenderId?: number };
  const tasks: Task[] = [];
  const schedule = (task: Task) => {
    tasks.push(task);
    tasks.sort((a, b) => a.at - b.at);
  };
  const scheduleAnswer = (requestId: number, lenderId: number, from: number) => {
    const profile = profileById.get(lenderId)!;
    schedule({ at: from + profile.speed * (0.5 + rand()) * DAY, requestId, kind: "answer", lenderId });
  };

  const runTask = async (task: Task) => {
    const request = await findRequest(db, task.requestId);
    if (!request) return;
    const now = new Date(task.at);
    if (task.kind === "answer") {
      // The request may have moved on (expired) since this lender was asked.
      if (request.state !== "sent" || request.lender_library_id !== task.lenderId) return;
      const profile = profileById.get(task.lenderId)!;
      const principal = staffOf(task.lenderId);
      if (rand() < profile.fill) {
        const dueDate = new Date(task.at + 28 * DAY).toISOString().slice(0, 10);
        await performAction(db, { requestId: request.id, principal, action: "ship", dueDate, now });
        count(outcome.shipped, profile.code);
        count(outcome.shippedByWeek[Math.floor((task.at - START) / (7 * DAY))], profile.code);
        schedule({ at: task.at + DAY, requestId: request.id, kind: "receive" });
      } else {
        const next = await performAction(db, { requestId: request.id, principal, action: "unfill", reason: rand() < 0.5 ? "not_on_shelf" : "in_use", now });
        if (next.state === "sent") scheduleAnswer(next.id, next.lender_library_id!, task.at);
        else outcome.notSupplied++;
      }
      return;
    }
    const borrower = staffOf(request.borrower_library_id);
    if (task.kind === "receive") {
      await performAction(db, { requestId: request.id, principal: borrower, action: "receive", now });
      schedule({ at: task.at + 10 * DAY, requestId: request.id, kind: "return" });
    } else if (task.kind === "return") {
      await performAction(db, { requestId: request.id, principal: borrower, action: "return", now });
      schedule({ at: task.at + 2 * DAY, requestId: request.id, kind: "complete" });
    } else {
      await performAction(db, { requestId: request.id, principal: staffOf(request.lender_library_id!), action: "complete", now });
    }
  };

  const runUntil = async (until: number) => {
    while (tasks.length > 0 && tasks[0]!.at <= until) await runTask(tasks.shift()!);
  };

  let nextExpiry = START + 6 * HOUR;
  for (let day = 0; day < DAYS; day++) {
    const times = Array.from({ length: PER_DAY }, () => START + day * DAY + (8 + rand() * 12) * HOUR).sort((a, b) => a - b);
    for (const at of times) {
      await runUntil(at);
      while (nextExpiry <= at) {
        const expired = await runExpiryJob(db, new Date(nextExpiry));
        expect(expired.skipped).toEqual([]);
        // A request that expired to a new lender gets that lender's answer scheduled.
        for (const row of await db.selectFrom("requests").select(["id", "lender_library_id", "updated_at"]).where("state", "=", "sent").where("updated_at", "=", new Date(nextExpiry).toISOString()).execute()) {
          scheduleAnswer(row.id, row.lender_library_id!, nextExpiry);
        }
        nextExpiry += 6 * HOUR;
      }
      const patron = patrons[Math.floor(rand() * patrons.length)]!;
      const titles = Array.from({ length: TITLES }, (_, i) => i).filter(patron.canAsk);
      const recordId = clusterOfTitle.get(titles[Math.floor(rand() * titles.length)]!)!;
      try {
        const { request } = await placeRequest(db, { patronId: patron.id, recordId, serviceType: "loan", idempotencyKey: `sim-${at}`, now: new Date(at) }, { statsMaxAgeMs: 0 });
        outcome.placed++;
        const code = codeById.get(request.lender_library_id!)!;
        count(outcome.firstByWeek[Math.floor(day / 7)], code);
        if (day < 2) count(outcome.firstDays, code);
        scheduleAnswer(request.id, request.lender_library_id!, at);
      } catch (error) {
        // The same patron asking for the same title twice: a real rule, not a failure of the simulation.
        if (!String((error as Error).message).includes("open request for this title")) throw error;
      }
    }
  }
  await runUntil(START + (DAYS + 30) * DAY);
  return outcome;
}

function shares(counts: Record<string, number>): Record<string, number> {
  const total = Object.values(counts).reduce((a, b) => a + b, 0) || 1;
  return Object.fromEntries(LENDERS.map((l) => [l.code, Math.round(((counts[l.code] ?? 0) / total) * 100) / 100]));
}

describe.each(DIALECTS)("a simulated month on %s", (dialect) => {
  const databases: TestDatabase[] = [];
  afterEach(async () => {
    for (const d of databases.splice(0)) await d.dispose();
  });

  it("shifts requests toward fast, reliable lenders while the load balance caps any member's share", { timeout: 300_000 }, async (ctx) => {
    if (dialect === "postgres" && !(await postgresAvailable())) return ctx.skip();
    const balancedDb = await createTestDatabase(dialect);
    databases.push(balancedDb);
    const balanced = await simulateMonth(balancedDb, Number(process.env.SIM_LB ?? 0.01)); // the pod default
    const unbalancedDb = await createTestDatabase(dialect);
    databases.push(unbalancedDb);
    const unbalanced = await simulateMonth(unbalancedDb, 0);

    const early = shares(unbalanced.firstDays);
    const last = shares(unbalanced.firstByWeek.at(-1)!);
    const lastBalanced = shares(balanced.firstByWeek.at(-1)!);
    const carried = shares(unbalanced.shippedByWeek.at(-1)!);
    const carriedBalanced = shares(balanced.shippedByWeek.at(-1)!);
    console.log(
      `[month ${dialect}] placed ${unbalanced.placed} / ${balanced.placed}, not supplied ${unbalanced.notSupplied} / ${balanced.notSupplied} (no balance / balance)\n` +
        `  asked first, days 1–2:                ${JSON.stringify(early)}\n` +
        `  asked first, week 4, no balance:      ${JSON.stringify(last)}\n` +
        `  asked first, week 4, load balance:    ${JSON.stringify(lastBalanced)}\n` +
        `  loans shipped, week 4, no balance:    ${JSON.stringify(carried)}\n` +
        `  loans shipped, week 4, load balance:  ${JSON.stringify(carriedBalanced)}\n` +
        `  loans shipped, month, load balance:   ${JSON.stringify(balanced.shipped)}`,
    );
    expect(unbalanced.placed).toBeGreaterThan(300);
    // The suspended member is never asked.
    for (const outcome of [balanced, unbalanced]) {
      expect(outcome.firstDays.SUSP ?? 0).toBe(0);
      for (const week of outcome.firstByWeek) expect(week.SUSP ?? 0).toBe(0);
      expect(outcome.shipped.SUSP ?? 0).toBe(0);
    }
    // The figures from the events move requests toward the fast, reliable lenders.
    expect(last.FAST!).toBeGreaterThan(early.FAST!);
    expect(last.FAST! + last.STEADY!).toBeGreaterThan(early.FAST! + early.STEADY!);
    expect(last.SLOW! + last.FLAKY!).toBeLessThan(early.SLOW! + early.FLAKY!);
    // The load balance takes work off the member that would otherwise carry most of it.
    expect(carriedBalanced.FAST!).toBeLessThan(carried.FAST!);
    expect(lastBalanced.FAST!).toBeLessThan(last.FAST!);
  });
});
