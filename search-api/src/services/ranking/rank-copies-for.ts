import type { Kysely } from "kysely";
import { findLibraryById, getPodSettings, type Database, type PodSettings } from "@interlend/db";
import { loadCandidates } from "../../repositories/copies.ts";
import { getLenderStats, sentOnDay } from "../../repositories/lender-stats.ts";
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

/**
 * Ranks the copies of union record `clusterId` for borrowing member `borrowerLibraryId`: reads the
 * candidates, the pod settings, the (cached) lender figures and today's sends, asks members' live
 * sources (in parallel, ≤ 2 s each, cached for liveLookupTtlSeconds) and hands everything to the
 * pure rankCopies. Undefined when the record does not exist; UnknownBorrowerError for a bad member.
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
  const [settings, candidates, borrower] = await Promise.all([
    options.settings ?? getPodSettings(db),
    loadCandidates(db, clusterId),
    findLibraryById(db, borrowerLibraryId),
  ]);
  if (!borrower) throw new UnknownBorrowerError(borrowerLibraryId);
  if (!candidates) return undefined;

  // Ask only members whose copies could matter: the borrower, and lenders not suspended.
  const lenderIds = [
    ...new Set(candidates.filter((c) => c.libraryId !== borrowerLibraryId).map((c) => c.libraryId)),
  ];
  const askIds = [
    ...new Set(
      candidates
        .filter(
          (c) =>
            c.lendable &&
            (c.libraryId === borrowerLibraryId ||
              !(c.suspendedUntil && Date.parse(c.suspendedUntil) > now.getTime())),
        )
        .map((c) => c.libraryId),
    ),
  ];
  const [live, stats, sentToday] = await Promise.all([
    options.liveAvailability && askIds.length > 0
      ? lookUpLive(options.liveAvailability, askIds, clusterId, {
          ttlMs: settings.liveLookupTtlSeconds * 1000,
          timeoutMs: options.liveTimeoutMs ?? LIVE_TIMEOUT_MS,
        })
      : new Map<number, LiveAnswer>(),
    getLenderStats(db, { windowDays: settings.ranking.windowDays, now, maxAgeMs: options.statsMaxAgeMs }),
    sentOnDay(db, lenderIds, now.toISOString().slice(0, 10)),
  ]);

  return rankCopies({
    borrower: { libraryId: borrower.id, latitude: borrower.latitude, longitude: borrower.longitude },
    serviceType: options.serviceType,
    now,
    copies: candidates.map((copy) => withLiveStatus(copy, live.get(copy.libraryId))),
    lenders: stats.lenders,
    pod: stats.pod,
    sentToday,
    settings: settings.ranking,
  });
}
