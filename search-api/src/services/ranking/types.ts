import type { RankingSettings } from "@interlend/db";
import type { LenderFigures, TurnaroundFigures } from "../../repositories/lender-stats.ts";

export type { LenderFigures, TurnaroundFigures } from "../../repositories/lender-stats.ts";

/** An item's status as harvested, or as a live lookup reports it. */
export type ItemStatus = "available" | "on_loan" | "missing" | "not_lendable" | "unknown";

export type ServiceType = "loan" | "copy";

/** on_shelf > unknown > on_loan; missing and not-lendable copies are never offered. */
export type CopyTier = "on_shelf" | "unknown" | "on_loan";

/** One copy of the title at some member, as the ranking sees it. */
export interface CandidateCopy {
  itemId: number;
  libraryId: number;
  libraryCode: string;
  libraryName: string;
  latitude: number | null;
  longitude: number | null;
  /** The member takes no requests before this date / time. */
  suspendedUntil: string | null;
  barcode: string | null;
  callNumber: string | null;
  location: string | null;
  status: ItemStatus;
  dueDate: string | null;
  lendable: boolean;
  loanType: "returnable" | "non_returnable";
  /** Where `status` comes from and when it was true. */
  statusSource: "harvest" | "live";
  statusAsOf: string | null;
}

export interface RankingInput {
  borrower: { libraryId: number; latitude: number | null; longitude: number | null };
  serviceType: ServiceType;
  now: Date;
  copies: readonly CandidateCopy[];
  /** Per member id; a member absent here has no history (the pod figure is used). */
  lenders: ReadonlyMap<number, LenderFigures>;
  pod: TurnaroundFigures;
  /** Requests sent to each lender today: the first tie-breaker. */
  sentToday: ReadonlyMap<number, number>;
  settings: RankingSettings;
}

export interface CopyFigures {
  /** Shrunk median ÷ shrunk fill rate: what the order uses. */
  expectedDays: number;
  /** The lender's own median request→shipped time in the window (null with no history). */
  medianTurnaroundDays: number | null;
  /** The lender's own fill rate in the window (null with no answered requests). */
  fillRate: number | null;
  /** The median and fill rate after shrinking towards the pod's. */
  shrunkMedianDays: number;
  shrunkFillRate: number;
  /** Answered requests (filled + said no) behind the figures. */
  requestsConsidered: number;
  /** Filled requests with a known turnaround behind the median. */
  turnaroundSamples: number;
  lentMinusBorrowed: number;
  distanceKm?: number;
  sentToday: number;
  /** "as harvested 3 h ago" / "checked live just now". */
  statusAge: string;
}

export interface RankedCopy {
  /** 1-based position in the rota. */
  rank: number;
  libraryId: number;
  library: string;
  libraryName: string;
  itemId: number;
  barcode: string | null;
  callNumber: string | null;
  location: string | null;
  status: ItemStatus;
  dueDate: string | null;
  loanType: "returnable" | "non_returnable";
  tier: CopyTier;
  figures: CopyFigures;
  /** Lower is better within a tier: weighted expected days + load balance + distance. */
  score: number;
  /** One line for people: "on shelf · ships in ~1.6 days (median of 42) · lent 12 more than borrowed". */
  reason: string;
}

export interface OwnShelfCopy {
  libraryId: number;
  library: string;
  libraryName: string;
  itemId: number;
  callNumber: string | null;
  location: string | null;
  statusAge: string;
}

export interface RankedCopies {
  /** A lendable copy on the shelf at the borrower's own library: offer it there instead. */
  ownShelf: OwnShelfCopy | null;
  /** One entry per lender (its best copy), best first: the request's rota. */
  copies: RankedCopy[];
}

/** What a live lookup says about one copy. */
export interface LiveItemStatus {
  status: ItemStatus;
  dueDate?: string | null;
}

/**
 * A member's own system asked about one title right now (Z39.50 / SRU holdings). The answer maps
 * barcode or call number to status; undefined means the member has no live source.
 */
export interface LiveAvailability {
  check(
    libraryId: number,
    clusterId: number,
    signal: AbortSignal,
  ): Promise<Map<string, LiveItemStatus> | undefined>;
}
