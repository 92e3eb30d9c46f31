import type {
  CandidateCopy,
  CopyTier,
  ItemStatus,
  OwnShelfCopy,
  RankedCopies,
  RankedCopy,
  RankingInput,
  TurnaroundFigures,
} from "./types.ts";

/** Used only while the pod itself has no history at all. */
export const POD_FALLBACK = { medianTurnaroundDays: 3, fillRate: 0.8 } as const;
/** Below this many turnaround samples a lender is called "new" in its reason. */
export const FEW_REQUESTS = 5;
/** A fill rate is never taken below this, so expected days stay finite. */
const MIN_FILL_RATE = 0.05;
/** A fill rate below this is worth saying in the reason. */
const LOW_FILL_RATE = 0.75;

const TIER_ORDER: Record<CopyTier, number> = { on_shelf: 0, unknown: 1, on_loan: 2 };

/** The tier of a status, or undefined when the copy is never offered. */
export function tierOf(status: ItemStatus): CopyTier | undefined {
  switch (status) {
    case "available":
      return "on_shelf";
    case "on_loan":
      return "on_loan";
    case "unknown":
      return "unknown";
    case "missing":
    case "not_lendable":
      return undefined;
  }
}

/** Great-circle distance in km. */
export function haversineKm(
  a: { latitude: number; longitude: number },
  b: { latitude: number; longitude: number },
): number {
  const rad = Math.PI / 180;
  const dLat = (b.latitude - a.latitude) * rad;
  const dLon = (b.longitude - a.longitude) * rad;
  const h =
    Math.sin(dLat / 2) ** 2 +
    Math.cos(a.latitude * rad) * Math.cos(b.latitude * rad) * Math.sin(dLon / 2) ** 2;
  return 2 * 6371.0088 * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** (n·x + k·pod) / (n + k); the pod figure alone when there is nothing to shrink. */
export function shrink(value: number | null, n: number, pod: number, k: number): number {
  if (value === null || n <= 0) return pod;
  if (n + k <= 0) return value;
  return (n * value + k * pod) / (n + k);
}

function round(value: number, places: number): number {
  const f = 10 ** places;
  return Math.round(value * f) / f;
}

/** "just now", "4 min ago", "3 h ago", "2 days ago". */
export function ago(fromIso: string, now: Date): string {
  const ms = now.getTime() - Date.parse(fromIso);
  if (Number.isNaN(ms)) return "at an unknown time";
  const minutes = Math.floor(Math.max(0, ms) / 60_000);
  if (minutes < 1) return "just now";
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ago`;
  return `${Math.floor(hours / 24)} days ago`;
}

export function statusAge(copy: Pick<CandidateCopy, "statusSource" | "statusAsOf">, now: Date): string {
  if (!copy.statusAsOf) return copy.statusSource === "live" ? "checked live" : "as harvested (time unknown)";
  return `${copy.statusSource === "live" ? "checked live" : "as harvested"} ${ago(copy.statusAsOf, now)}`;
}

function isSuspended(suspendedUntil: string | null, now: Date): boolean {
  if (!suspendedUntil) return false;
  const until = Date.parse(suspendedUntil);
  return !Number.isNaN(until) && until > now.getTime();
}

function dueTime(dueDate: string | null): number {
  const t = dueDate ? Date.parse(dueDate) : Number.NaN;
  return Number.isNaN(t) ? Number.POSITIVE_INFINITY : t;
}

function compareText(a: string | null, b: string | null): number {
  const x = a ?? "";
  const y = b ?? "";
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Which of a member's copies goes in the rota: best tier, soonest due, then a stable order. */
function compareCopies(a: CandidateCopy & { tier: CopyTier }, b: CandidateCopy & { tier: CopyTier }): number {
  return (
    TIER_ORDER[a.tier] - TIER_ORDER[b.tier] ||
    (a.tier === "on_loan" ? dueTime(a.dueDate) - dueTime(b.dueDate) || 0 : 0) ||
    (a.statusSource === b.statusSource ? 0 : a.statusSource === "live" ? -1 : 1) ||
    compareText(a.callNumber, b.callNumber) ||
    a.itemId - b.itemId
  );
}

function podFigures(pod: TurnaroundFigures) {
  return {
    median: pod.medianTurnaroundDays ?? POD_FALLBACK.medianTurnaroundDays,
    fillRate: pod.fillRate ?? POD_FALLBACK.fillRate,
  };
}

function tierText(copy: { tier: CopyTier; dueDate: string | null }): string {
  switch (copy.tier) {
    case "on_shelf":
      return "on shelf";
    case "unknown":
      return "status unknown";
    case "on_loan":
      return copy.dueDate ? `on loan, due ${copy.dueDate.slice(0, 10)}` : "on loan";
  }
}

/** "1 day", "2 days", "1.6 days". */
function days(value: number): string {
  const rounded = round(value, 1);
  return `${Number.isInteger(rounded) ? rounded.toFixed(0) : rounded.toFixed(1)} ${rounded === 1 ? "day" : "days"}`;
}

/**
 * Members that lent more than they borrowed wait a little (DESIGN.md: a penalty, not a bonus for
 * net borrowers), at most loadBalanceCapDays, so balance never outweighs a lender days faster.
 */
export function loadPenaltyDays(net: number, settings: { loadBalanceWeight: number; loadBalanceCapDays: number }): number {
  return Math.min(settings.loadBalanceCapDays, Math.max(0, settings.loadBalanceWeight * net));
}

/**
 * Orders the copies of one title for one borrower: who should lend it, and why. Pure: the same
 * input always gives the same output, and nothing is read or written.
 *
 * Candidates are lendable copies at other members that are not suspended and whose loan type fits
 * (a loan needs a returnable copy). Order: availability tier (on shelf > unknown > on loan, soonest
 * due first), then score = turnaroundWeight × expected days (shrunk median ÷ shrunk fill rate) +
 * min(cap, loadBalanceWeight × max(0, lent − borrowed)) + distanceWeight × km, then fewest requests sent today,
 * then member code. One entry per member: its best copy.
 */
export function rankCopies(input: RankingInput): RankedCopies {
  const { now, settings } = input;
  const k = settings.priorRequests;
  const pod = podFigures(input.pod);

  // The borrower's own copies: never lent to itself; one on the shelf is reported apart.
  let ownShelf: OwnShelfCopy | null = null;
  const own = input.copies
    .filter((c) => c.libraryId === input.borrower.libraryId && c.lendable && c.status === "available")
    .map((c) => ({ ...c, tier: "on_shelf" as const }))
    .sort(compareCopies)[0];
  if (own) {
    ownShelf = {
      libraryId: own.libraryId,
      library: own.libraryCode,
      libraryName: own.libraryName,
      itemId: own.itemId,
      callNumber: own.callNumber,
      location: own.location,
      statusAge: statusAge(own, now),
    };
  }

  const bestPerMember = new Map<number, CandidateCopy & { tier: CopyTier }>();
  for (const copy of input.copies) {
    if (copy.libraryId === input.borrower.libraryId) continue;
    if (!copy.lendable) continue;
    if (input.serviceType === "loan" && copy.loanType !== "returnable") continue;
    if (isSuspended(copy.suspendedUntil, now)) continue;
    const tier = tierOf(copy.status);
    if (!tier) continue;
    const candidate = { ...copy, tier };
    const best = bestPerMember.get(copy.libraryId);
    if (!best || compareCopies(candidate, best) < 0) bestPerMember.set(copy.libraryId, candidate);
  }

  const borrowerAt =
    input.borrower.latitude !== null && input.borrower.longitude !== null
      ? { latitude: input.borrower.latitude, longitude: input.borrower.longitude }
      : undefined;

  const entries = [...bestPerMember.values()].map((copy) => {
    const stats = input.lenders.get(copy.libraryId);
    const samples = stats?.turnaroundSamples ?? 0;
    const answered = stats ? stats.filled + stats.unfilled : 0;
    const median = stats?.medianTurnaroundDays ?? null;
    const fillRate = stats?.fillRate ?? null;
    const shrunkMedian = shrink(median, samples, pod.median, k);
    const shrunkFill = shrink(fillRate, answered, pod.fillRate, k);
    const expectedDays = shrunkMedian / Math.max(shrunkFill, MIN_FILL_RATE);
    const net = stats ? stats.lent - stats.borrowed : 0;
    const distanceKm =
      borrowerAt && copy.latitude !== null && copy.longitude !== null
        ? haversineKm(borrowerAt, { latitude: copy.latitude, longitude: copy.longitude })
        : undefined;
    const score = round(
      settings.turnaroundWeight * expectedDays +
        loadPenaltyDays(net, settings) +
        settings.distanceWeight * (distanceKm ?? 0),
      3,
    );
    const sentToday = input.sentToday.get(copy.libraryId) ?? 0;

    const isNew = samples === 0 || (samples < FEW_REQUESTS && k > 0);
    const parts = [tierText(copy)];
    if (isNew) parts.push("new lender: pod average used");
    else {
      parts.push(`ships in ~${days(median!)} (median of ${samples})`);
      if (fillRate !== null && fillRate < LOW_FILL_RATE)
        parts.push(`fills ${Math.round(fillRate * 100)}% of requests`);
    }
    if (net > 0) parts.push(`lent ${net} more than borrowed`);
    else if (net < 0) parts.push(`borrowed ${-net} more than lent`);
    if (distanceKm !== undefined && settings.distanceWeight > 0)
      parts.push(`${Math.round(distanceKm)} km away`);

    const ranked: RankedCopy = {
      rank: 0,
      libraryId: copy.libraryId,
      library: copy.libraryCode,
      libraryName: copy.libraryName,
      itemId: copy.itemId,
      barcode: copy.barcode,
      callNumber: copy.callNumber,
      location: copy.location,
      status: copy.status,
      dueDate: copy.dueDate,
      loanType: copy.loanType,
      tier: copy.tier,
      figures: {
        expectedDays: round(expectedDays, 2),
        medianTurnaroundDays: median === null ? null : round(median, 2),
        fillRate: fillRate === null ? null : round(fillRate, 3),
        shrunkMedianDays: round(shrunkMedian, 2),
        shrunkFillRate: round(shrunkFill, 3),
        requestsConsidered: answered,
        turnaroundSamples: samples,
        lentMinusBorrowed: net,
        ...(distanceKm !== undefined && { distanceKm: round(distanceKm, 1) }),
        sentToday,
        statusAge: statusAge(copy, now),
      },
      score,
      reason: parts.join(" · "),
    };
    return ranked;
  });

  entries.sort(
    (a, b) =>
      TIER_ORDER[a.tier] - TIER_ORDER[b.tier] ||
      (a.tier === "on_loan" ? dueTime(a.dueDate) - dueTime(b.dueDate) || 0 : 0) ||
      a.score - b.score ||
      a.figures.sentToday - b.figures.sentToday ||
      compareText(a.library, b.library),
  );
  entries.forEach((entry, index) => (entry.rank = index + 1));
  return { ownShelf, copies: entries };
}
