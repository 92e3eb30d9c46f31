import type { Kysely } from "kysely";
import type { Database, PodSettings } from "@interlend/db";
import { rankCopiesFor } from "../ranking/rank-copies-for.ts";
import type { CopyTier, LiveAvailability, RankedCopies, RankedCopy, ServiceType } from "../ranking/types.ts";

/** One lender in a request's frozen rota: the ranking's entry, plus whether its shelf copy was already promised. */
export interface RotaEntry extends RankedCopy {
  /** Every copy this lender has on the shelf was already promised to open requests when the rota was built. */
  promised: boolean;
}

export interface BuildRotaOptions {
  serviceType: ServiceType;
  now?: Date;
  settings?: PodSettings;
  liveAvailability?: LiveAvailability;
  statsMaxAgeMs?: number;
}

/**
 * The ranked copies of a title for a borrowing member: the request's rota before promised copies
 * are taken into account (see `withPromisedCopies`). Undefined when the record does not exist.
 * Call with the Kysely instance, never inside a transaction (the ranking caches per instance and
 * may ask members' systems live).
 */
export async function buildRota(db: Kysely<Database>, clusterId: number, borrowerLibraryId: number, options: BuildRotaOptions): Promise<RankedCopies | undefined> {
  return rankCopiesFor(db, clusterId, borrowerLibraryId, {
    serviceType: options.serviceType,
    now: options.now,
    settings: options.settings,
    liveAvailability: options.liveAvailability,
    statsMaxAgeMs: options.statsMaxAgeMs,
  });
}

/** Order of groups once promised copies are known: free shelf copies, unknown status, promised shelf copies, on loan. */
function group(tier: CopyTier, promised: boolean): number {
  if (tier === "on_shelf") return promised ? 2 : 0;
  return tier === "unknown" ? 1 : 3;
}

/**
 * Takes copies promised to open requests into account: a lender whose on-shelf copies are all
 * waiting for earlier requests (state sent) moves behind the lenders with a free copy, so two
 * patrons racing for the last copy never both go to it first. It stays in the rota (the copy comes
 * back). The ranking's order is kept within each group; ranks are renumbered.
 */
export function withPromisedCopies(copies: readonly RankedCopy[], shelfCopies: ReadonlyMap<number, number>, promised: ReadonlyMap<number, number>): RotaEntry[] {
  const entries = copies.map((copy, index) => {
    const waiting = promised.get(copy.libraryId) ?? 0;
    // A copy the ranking saw on the shelf (harvested or live) counts at least once.
    const onShelf = Math.max(shelfCopies.get(copy.libraryId) ?? 0, copy.tier === "on_shelf" ? 1 : 0);
    return { entry: { ...copy, promised: copy.tier === "on_shelf" && waiting > 0 && waiting >= onShelf }, index };
  });
  entries.sort((a, b) => group(a.entry.tier, a.entry.promised) - group(b.entry.tier, b.entry.promised) || a.index - b.index);
  return entries.map(({ entry }, i) => ({ ...entry, rank: i + 1 }));
}

export function parseRota(json: string): RotaEntry[] {
  try {
    const value = JSON.parse(json) as unknown;
    return Array.isArray(value) ? (value as RotaEntry[]) : [];
  } catch {
    return [];
  }
}
