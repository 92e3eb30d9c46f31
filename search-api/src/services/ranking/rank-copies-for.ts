import type { Kysely } from "kysely";
import { findLibraryById, getPodSettings, type Database, type PodSettings } from "@interlend/db";
import { loadHoldings, type Holdings } from "../../repositories/copies.ts";
import { getLenderStats } from "../../repositories/lender-stats.ts";
import { LIVE_TIMEOUT_MS, lookUpLive, type LiveAnswer } from "./live-lookup.ts";
import { rankCopies } from "./rank-copies.ts";
import type { CandidateCopy, LiveAvailability, RankedCopies, ServiceType } from "./types.ts";

export interface RankCopiesOptions {
  serviceType: ServiceType;
  /** The clock (tests); defaults to now. */
  now?: Date;
  /** Members' live holdings lookups; without it the harvested status is used. */
  liveAvailability?: LiveAvailability;
  /** Per-member bound on a live lookup (default 2 s). */
  liveTimeoutMs?: number;
  /** Settings already read by the caller (saves a query). */
  settings?: PodSettings;
  /** How old the cached lender figures may get (default 60 s). */
  statsMaxAgeMs?: number;
}

export class UnknownBorrowerError extends Error {
  constructor(readonly libraryId: number) {
    super(`no member library with id ${libraryId}`);
    this.name = "UnknownBorrowerError";
  }
}

/** The live answer for a copy (by barcode, then call number) laid over its harvested status. */
function withLiveStatus(copy: CandidateCopy, answer: LiveAnswer | undefined): CandidateCopy {
  const statuses = answer?.statuses;
  if (!statuses) return copy;
  const live =
    (copy.barcode ? statuses.get(copy.barcode) : undefined) ??
    (copy.callNumber ? statuses.get(copy.callNumber) : undefined);
  if (!live) return copy;
  return {
    ...copy,
    status: live.status,
    dueDate: live.status === "on_loan" ? (live.dueDate ?? null) : null,
    statusSource: "live",
    statusAsOf: new Date(answer.checkedAt).toISOString(),
  };
}

/** The borrowing member as the ranking needs it. */
export interface Borrower {
  id: number;
  latitude: number | null;
  longitude: number | null;
}

/**
 * Ranks the copies of union record `clusterId` for borrowing member `borrowerLibraryId`: reads the
 * holdings (copies and today's sends) and the borrowing member, then ranks them (`rankHoldings`).
 * Undefined when the record does not exist; UnknownBorrowerError for a bad member.
 *
 * Pass the Kysely instance, not a transaction: the lender-figure cache is kept per instance, and a
 * live lookup should never hold a transaction open. Freeze the returned `copies` as the rota.
 */
export async function rankCopiesFor(
  db: Kysely<Database>,
  clusterId: number,
  borrowerLibraryId: number,
  options: RankCopiesOptions,
): Promise<RankedCopies | undefined> {
  const now = options.now ?? new Date();
  const [settings, holdings, borrower] = await Promise.all([
    options.settings ?? getPodSettings(db),
    loadHoldings(db, clusterId, utcDay(now)),
    findLibraryById(db, borrowerLibraryId),
  ]);
  if (!borrower) throw new UnknownBorrowerError(borrowerLibraryId);
  if (!holdings) return undefined;
  return rankHoldings(db, clusterId, holdings, borrower, { ...options, now, settings });
}

export function utcDay(now: Date): string {
  return now.toISOString().slice(0, 10);
}

/**
 * Ranks holdings already read (loadHoldings, with today's sends for `now`'s UTC day): asks members'
 * live sources (in parallel, ≤ 2 s each, cached for liveLookupTtlSeconds), takes the (cached) lender
 * figures and hands everything to the pure rankCopies. Same rules as rankCopiesFor for `db`.
 */
export async function rankHoldings(
  db: Kysely<Database>,
  clusterId: number,
  holdings: Holdings,
  borrower: Borrower,
  options: RankCopiesOptions & { settings: PodSettings },
): Promise<RankedCopies> {
  const { settings } = options;
  const now = options.now ?? new Date();
  const candidates = holdings.copies;
  // Ask only members whose copies could matter: the borrower, and lenders not suspended.
  const askIds = [
    ...new Set(
      candidates
        .filter(
          (c) =>
            c.lendable &&
            (c.libraryId === borrower.id ||
              !(c.suspendedUntil && Date.parse(c.suspendedUntil) > now.getTime())),
        )
        .map((c) => c.libraryId),
    ),
  ];
  const [live, stats] = await Promise.all([
    options.liveAvailability && askIds.length > 0
      ? lookUpLive(options.liveAvailability, askIds, clusterId, {
          ttlMs: settings.liveLookupTtlSeconds * 1000,
          timeoutMs: options.liveTimeoutMs ?? LIVE_TIMEOUT_MS,
        })
      : new Map<number, LiveAnswer>(),
    getLenderStats(db, { windowDays: settings.ranking.windowDays, now, maxAgeMs: options.statsMaxAgeMs }),
  ]);

  return rankCopies({
    borrower: { libraryId: borrower.id, latitude: borrower.latitude, longitude: borrower.longitude },
    serviceType: options.serviceType,
    now,
    copies: candidates.map((copy) => withLiveStatus(copy, live.get(copy.libraryId))),
    lenders: stats.lenders,
    pod: stats.pod,
    sentToday: holdings.sentToday,
    settings: settings.ranking,
  });
}
