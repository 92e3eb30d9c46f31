import type { Kysely } from "kysely";
import { withLendingHistory, type Database } from "@interlend/db";

/**
 * Lender figures from request_events (live) and lending_history (imported), per member over a
 * window. One "sent" event starts an attempt: the same lender's first shipped/delivered event for
 * that request fills it (turnaround = shipped − sent); unfilled / expired / not_supplied mean it
 * said no. Cancelled-before-answer and still-pending attempts count as received but stay out of
 * the fill rate, which is filled ÷ (filled + said no).
 */

const FILL_STATES = ["shipped", "delivered"];
const NO_STATES = ["unfilled", "expired", "not_supplied"];
const OUTCOME_STATES = [...FILL_STATES, ...NO_STATES];

const DAY_MS = 86_400_000;

export interface TurnaroundFigures {
  /** Attempts: requests sent to the lender (or imported transactions). */
  received: number;
  filled: number;
  /** Said no, or let the request expire. */
  unfilled: number;
  /** Sent and not answered yet, or withdrawn by the borrower before an answer. */
  pending: number;
  /** filled ÷ (filled + unfilled); null with no answered attempts. */
  fillRate: number | null;
  medianTurnaroundDays: number | null;
  p90TurnaroundDays: number | null;
  /** Filled attempts with a known turnaround. */
  turnaroundSamples: number;
}

export interface LenderFigures extends TurnaroundFigures {
  libraryId: number;
  /** Filled as lender. */
  lent: number;
  /** Filled where this member was the borrower. */
  borrowed: number;
}

export interface LenderStatsSnapshot {
  windowDays: number;
  since: string;
  until: string;
  /** Per member id; members with no activity in the window are absent. */
  lenders: Map<number, LenderFigures>;
  /** The whole pod pooled: what a lender with few requests is shrunk towards. */
  pod: TurnaroundFigures;
  /** How many attempts came from imported history rather than live events. */
  fromHistory: number;
}

interface Accumulator {
  received: number;
  filled: number;
  unfilled: number;
  pending: number;
  turnarounds: number[];
  lent: number;
  borrowed: number;
}

function emptyAccumulator(): Accumulator {
  return { received: 0, filled: 0, unfilled: 0, pending: 0, turnarounds: [], lent: 0, borrowed: 0 };
}

/** Linear interpolation between closest ranks (the spreadsheet PERCENTILE.INC); `sorted` ascending. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const position = (sorted.length - 1) * p;
  const lower = Math.floor(position);
  const upper = Math.ceil(position);
  const a = sorted[lower]!;
  const b = sorted[upper]!;
  return a + (b - a) * (position - lower);
}

function summarise(acc: Accumulator): TurnaroundFigures {
  const sorted = [...acc.turnarounds].sort((a, b) => a - b);
  const answered = acc.filled + acc.unfilled;
  return {
    received: acc.received,
    filled: acc.filled,
    unfilled: acc.unfilled,
    pending: acc.pending,
    fillRate: answered > 0 ? acc.filled / answered : null,
    medianTurnaroundDays: percentile(sorted, 0.5),
    p90TurnaroundDays: percentile(sorted, 0.9),
    turnaroundSamples: sorted.length,
  };
}

interface Attempt {
  lenderId: number;
  borrowerId: number | null;
  outcome: "filled" | "unfilled" | "pending";
  turnaroundDays: number | null;
}

/**
 * One pass over the window's events, grouped per (request, lender): when it was sent to that
 * lender, and when that lender first filled or refused it. No self-join, so both dialects answer
 * with one range scan and a hash aggregate, statistics or not. Attempts sent before the window are
 * dropped (their sent event is outside the scan, so their sent time comes back null).
 */
async function liveAttempts(db: Kysely<Database>, since: string, until: string): Promise<Attempt[]> {
  const rows = await db
    .selectFrom("request_events as e")
    .innerJoin("requests as r", "r.id", "e.request_id")
    .where("e.at", ">=", since)
    .where("e.lender_library_id", "is not", null)
    .where("e.to_state", "in", ["sent", ...OUTCOME_STATES])
    .select(["e.lender_library_id as lender", "r.borrower_library_id as borrower"])
    .select((eb) => [
      eb.fn.min(eb.case().when("e.to_state", "=", "sent").then(eb.ref("e.at")).end()).as("sent_at"),
      eb.fn.min(eb.case().when("e.to_state", "in", FILL_STATES).then(eb.ref("e.at")).end()).as("filled_at"),
      eb.fn.min(eb.case().when("e.to_state", "in", NO_STATES).then(eb.ref("e.at")).end()).as("declined_at"),
    ])
    .groupBy(["e.request_id", "e.lender_library_id", "r.borrower_library_id"])
    .execute();
  const attempts: Attempt[] = [];
  for (const row of rows) {
    const sentAt = row.sent_at as string | null;
    if (!sentAt || sentAt > until || row.lender === null) continue;
    const filledAt = row.filled_at as string | null;
    const declinedAt = row.declined_at as string | null;
    if (filledAt && filledAt >= sentAt) {
      attempts.push({
        lenderId: row.lender,
        borrowerId: row.borrower,
        outcome: "filled",
        turnaroundDays: (Date.parse(filledAt) - Date.parse(sentAt)) / DAY_MS,
      });
    } else {
      attempts.push({
        lenderId: row.lender,
        borrowerId: row.borrower,
        outcome: declinedAt ? "unfilled" : "pending",
        turnaroundDays: null,
      });
    }
  }
  return attempts;
}

async function historyAttempts(
  db: Kysely<Database>,
  since: string,
  until: string,
  idsByCode: Map<string, number>,
): Promise<Attempt[]> {
  const rows = await withLendingHistory(db)
    .selectFrom("lending_history")
    .select(["lender_code", "borrower_code", "requested_at", "shipped_at", "filled"])
    .where("requested_at", ">=", since)
    .where("requested_at", "<=", until)
    .execute();
  const attempts: Attempt[] = [];
  for (const row of rows) {
    const lenderId = idsByCode.get(row.lender_code.toUpperCase());
    if (lenderId === undefined) continue; // the member was removed since the import
    const filled = row.filled === 1;
    attempts.push({
      lenderId,
      borrowerId: idsByCode.get(row.borrower_code.toUpperCase()) ?? null,
      outcome: filled ? "filled" : "unfilled",
      turnaroundDays:
        filled && row.shipped_at
          ? (Date.parse(row.shipped_at) - Date.parse(row.requested_at)) / DAY_MS
          : null,
    });
  }
  return attempts;
}

/** Computes the figures from the db (no cache): one aggregate query over live events, one over history. */
export async function computeLenderStats(
  db: Kysely<Database>,
  options: { windowDays: number; now?: Date },
): Promise<LenderStatsSnapshot> {
  const until = options.now ?? new Date();
  const since = new Date(until.getTime() - options.windowDays * DAY_MS);
  const [sinceIso, untilIso] = [since.toISOString(), until.toISOString()];
  const libraries = await db.selectFrom("libraries").select(["id", "code"]).execute();
  const idsByCode = new Map(libraries.map((l) => [l.code.toUpperCase(), l.id]));
  const [live, history] = await Promise.all([
    liveAttempts(db, sinceIso, untilIso),
    historyAttempts(db, sinceIso, untilIso, idsByCode),
  ]);

  const perMember = new Map<number, Accumulator>();
  const member = (id: number) => {
    let acc = perMember.get(id);
    if (!acc) perMember.set(id, (acc = emptyAccumulator()));
    return acc;
  };
  const pod = emptyAccumulator();
  for (const attempt of [...live, ...history]) {
    const lender = member(attempt.lenderId);
    for (const acc of [lender, pod]) {
      acc.received++;
      acc[attempt.outcome]++;
      if (attempt.turnaroundDays !== null && attempt.turnaroundDays >= 0)
        acc.turnarounds.push(attempt.turnaroundDays);
    }
    if (attempt.outcome === "filled") {
      lender.lent++;
      if (attempt.borrowerId !== null) member(attempt.borrowerId).borrowed++;
    }
  }

  const lenders = new Map<number, LenderFigures>();
  for (const [libraryId, acc] of perMember) {
    lenders.set(libraryId, { libraryId, ...summarise(acc), lent: acc.lent, borrowed: acc.borrowed });
  }
  return {
    windowDays: options.windowDays,
    since: sinceIso,
    until: untilIso,
    lenders,
    pod: summarise(pod),
    fromHistory: history.length,
  };
}

// ---------------------------------------------------------------------------------------------
// In-memory cache: the ranking asks on every call, the figures move slowly.
// ---------------------------------------------------------------------------------------------

interface CacheEntry {
  snapshot?: LenderStatsSnapshot;
  untilMs: number;
  refreshing?: Promise<LenderStatsSnapshot>;
}

const caches = new WeakMap<object, Map<number, CacheEntry>>();

export interface LenderStatsOptions {
  windowDays: number;
  now?: Date;
  /** Figures older than this are recomputed (default 60 s). */
  maxAgeMs?: number;
}

/**
 * The figures for `windowDays`, cached per db instance. A fresh snapshot (computed within maxAgeMs
 * of `now`) is returned as is; a stale one is still returned while a single background refresh
 * replaces it, so only the very first call (or one far from the cached time) waits for the query.
 */
export async function getLenderStats(
  db: Kysely<Database>,
  options: LenderStatsOptions,
): Promise<LenderStatsSnapshot> {
  const now = options.now ?? new Date();
  const maxAgeMs = options.maxAgeMs ?? 60_000;
  let perWindow = caches.get(db);
  if (!perWindow) caches.set(db, (perWindow = new Map()));
  const entry: CacheEntry = perWindow.get(options.windowDays) ?? { untilMs: 0 };
  perWindow.set(options.windowDays, entry);

  const refresh = () => {
    entry.refreshing ??= computeLenderStats(db, { windowDays: options.windowDays, now })
      .then((snapshot) => {
        entry.snapshot = snapshot;
        entry.untilMs = Date.parse(snapshot.until);
        return snapshot;
      })
      .finally(() => {
        entry.refreshing = undefined;
      });
    return entry.refreshing;
  };

  const age = now.getTime() - entry.untilMs;
  if (entry.snapshot && Math.abs(age) <= maxAgeMs) return entry.snapshot;
  // Stale but recent: serve it and refresh behind the caller's back (errors keep the old one).
  if (entry.snapshot && age > 0 && age <= maxAgeMs * 10) {
    refresh().catch(() => undefined);
    return entry.snapshot;
  }
  return refresh();
}

/** Drops the cached figures (after importing history, or in tests). */
export function invalidateLenderStats(db: Kysely<Database>): void {
  caches.delete(db);
}
