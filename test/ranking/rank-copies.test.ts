/** The pure ranking: tiers, exclusions, shrinkage, load balance, distance, ties and reasons. */
import { describe, expect, it } from "vitest";
import {
  haversineKm,
  rankCopies,
  shrink,
  type LenderFigures,
  type RankingInput,
} from "@interlend/search-api/services/ranking/index";
import { copy, figures, POD, WEIGHTS } from "./fixtures.ts";

const NOW = new Date("2025-06-01T12:00:00.000Z");
const BORROWER = 1;

function input(overrides: Partial<RankingInput>): RankingInput {
  return {
    borrower: { libraryId: BORROWER, latitude: null, longitude: null },
    serviceType: "loan",
    now: NOW,
    copies: [],
    lenders: new Map(),
    pod: POD,
    sentToday: new Map(),
    settings: WEIGHTS,
    ...overrides,
  };
}

function lenders(...list: LenderFigures[]): Map<number, LenderFigures> {
  return new Map(list.map((f) => [f.libraryId, f]));
}

describe("rankCopies", () => {
  it("puts copies on the shelf before unknown before on loan, sooner due first", () => {
    const ranked = rankCopies(
      input({
        copies: [
          copy(2, "LOANLATE", { status: "on_loan", dueDate: "2025-07-01" }),
          copy(3, "LOANSOON", { status: "on_loan", dueDate: "2025-06-10" }),
          copy(4, "UNKNOWN", { status: "unknown" }),
          copy(5, "SHELF", { status: "available" }),
        ],
        // The on-loan lenders are much faster: the tier still wins.
        lenders: lenders(
          figures(2, { filled: 50, median: 0.5 }),
          figures(3, { filled: 50, median: 0.5 }),
          figures(5, { filled: 50, median: 5 }),
        ),
      }),
    );
    expect(ranked.copies.map((c) => [c.library, c.tier])).toEqual([
      ["SHELF", "on_shelf"],
      ["UNKNOWN", "unknown"],
      ["LOANSOON", "on_loan"],
      ["LOANLATE", "on_loan"],
    ]);
    expect(ranked.copies.map((c) => c.rank)).toEqual([1, 2, 3, 4]);
    expect(ranked.copies[2]!.reason).toMatch(/^on loan, due 2025-06-10 · /);
  });

  it("never offers missing, not-lendable, suspended members' or the borrower's own copies", () => {
    const ranked = rankCopies(
      input({
        copies: [
          copy(2, "MISSING", { status: "missing" }),
          copy(3, "REFERENCE", { status: "not_lendable" }),
          copy(4, "RARE", { lendable: false }),
          copy(5, "SUSPENDED", { suspendedUntil: "2025-07-01" }),
          copy(6, "WASSUSP", { suspendedUntil: "2025-05-01" }),
          copy(BORROWER, "HOME", { status: "on_loan", dueDate: "2025-06-20" }),
        ],
      }),
    );
    expect(ranked.copies.map((c) => c.library)).toEqual(["WASSUSP"]);
    expect(ranked.ownShelf).toBeNull();
  });

  it("needs a returnable copy for a loan; any lendable copy serves a copy request", () => {
    const copies = [
      copy(2, "SCANONLY", { loanType: "non_returnable" }),
      copy(3, "LOANS", { status: "on_loan", dueDate: "2025-06-05" }),
    ];
    expect(rankCopies(input({ copies, serviceType: "loan" })).copies.map((c) => c.library)).toEqual([
      "LOANS",
    ]);
    expect(rankCopies(input({ copies, serviceType: "copy" })).copies.map((c) => c.library)).toEqual([
      "SCANONLY",
      "LOANS",
    ]);
    expect(
      rankCopies(input({ copies: [copy(2, "SCANONLY", { loanType: "non_returnable" })] })).copies,
    ).toEqual([]);
  });

  it("reports the borrower's own copy on the shelf separately instead of ranking it", () => {
    const ranked = rankCopies(
      input({
        copies: [
          copy(BORROWER, "HOME", { callNumber: "QA76 .H6", location: "Main floor" }),
          copy(2, "OTHER"),
        ],
      }),
    );
    expect(ranked.ownShelf).toMatchObject({
      library: "HOME",
      callNumber: "QA76 .H6",
      location: "Main floor",
      statusAge: "as harvested 3 h ago",
    });
    expect(ranked.copies.map((c) => c.library)).toEqual(["OTHER"]);
  });

  it("keeps one rota entry per member: its best copy", () => {
    const ranked = rankCopies(
      input({
        copies: [
          copy(2, "MANY", { status: "on_loan", dueDate: "2025-06-20", callNumber: "A" }),
          copy(2, "MANY", { status: "available", callNumber: "B" }),
          copy(2, "MANY", { status: "missing", callNumber: "C" }),
        ],
      }),
    );
    expect(ranked.copies).toHaveLength(1);
    expect(ranked.copies[0]).toMatchObject({ library: "MANY", tier: "on_shelf", callNumber: "B" });
  });

  it("does not favour a new lender with one fast request over a proven one", () => {
    const ranked = rankCopies(
      input({
        copies: [copy(2, "NEWBIE"), copy(3, "PROVEN")],
        lenders: lenders(
          figures(2, { filled: 1, median: 0.2 }),
          figures(3, { filled: 38, unfilled: 4, median: 2, borrowed: 38 }),
        ),
      }),
    );
    expect(ranked.copies.map((c) => c.library)).toEqual(["PROVEN", "NEWBIE"]);
    const [proven, newbie] = ranked.copies;
    // shrunk median (1·0.2 + 10·3)/11 = 2.75, fill (1·1 + 10·0.8)/11 = 0.818 → 3.36 days
    expect(newbie!.figures).toMatchObject({
      medianTurnaroundDays: 0.2,
      fillRate: 1,
      requestsConsidered: 1,
      shrunkMedianDays: 2.75,
      expectedDays: 3.36,
    });
    expect(newbie!.reason).toContain("new lender: pod average used");
    // (38·2 + 10·3)/48 = 2.21; fill (42·0.905 + 10·0.8)/52 = 0.885 → 2.5 days
    expect(proven!.figures.expectedDays).toBeCloseTo(2.5, 1);
    expect(proven!.reason).toBe("on shelf · ships in ~2 days (median of 38)");
  });

  it("neither buries a new lender: with no history it gets the pod's figure", () => {
    const ranked = rankCopies(
      input({
        copies: [copy(2, "NEWBIE"), copy(3, "SLOW")],
        lenders: lenders(figures(3, { filled: 60, unfilled: 40, median: 6, lent: 0 })),
      }),
    );
    expect(ranked.copies.map((c) => c.library)).toEqual(["NEWBIE", "SLOW"]);
    expect(ranked.copies[0]!.figures).toMatchObject({
      expectedDays: 3.75,
      medianTurnaroundDays: null,
      fillRate: null,
      requestsConsidered: 0,
    });
    expect(ranked.copies[1]!.reason).toBe(
      "on shelf · ships in ~6 days (median of 60) · fills 60% of requests",
    );
  });

  it("shrinks with strength k", () => {
    expect(shrink(1, 10, 3, 10)).toBe(2);
    expect(shrink(1, 10, 3, 0)).toBe(1);
    expect(shrink(null, 0, 3, 10)).toBe(3);
    expect(shrink(1, 0, 3, 0)).toBe(3);
  });

  it("penalises members that lend much more than they borrow, by the admin's weight", () => {
    const copies = [copy(2, "GENEROUS"), copy(3, "BALANCED")];
    const stats = lenders(
      figures(2, { filled: 100, median: 2, lent: 100, borrowed: 10 }),
      figures(3, { filled: 100, median: 2.5, lent: 40, borrowed: 40 }),
    );
    const weighted = rankCopies(input({ copies, lenders: stats }));
    expect(weighted.copies.map((c) => c.library)).toEqual(["BALANCED", "GENEROUS"]);
    expect(weighted.copies[1]!.reason).toContain("lent 90 more than borrowed");
    expect(weighted.copies[1]!.figures.lentMinusBorrowed).toBe(90);
    const unweighted = rankCopies(
      input({ copies, lenders: stats, settings: { ...WEIGHTS, loadBalanceWeight: 0 } }),
    );
    expect(unweighted.copies.map((c) => c.library)).toEqual(["GENEROUS", "BALANCED"]);
  });

  it("caps the load-balance penalty so a busy but fast lender stays ahead of a slow one", () => {
    const copies = [copy(2, "BUSYFAST"), copy(3, "SLOW")];
    const stats = lenders(
      figures(2, { filled: 400, median: 1, lent: 2000, borrowed: 10 }),
      figures(3, { filled: 400, median: 6, lent: 10, borrowed: 10 }),
    );
    const capped = rankCopies(input({ copies, lenders: stats }));
    expect(capped.copies.map((c) => c.library)).toEqual(["BUSYFAST", "SLOW"]);
    expect(capped.copies[0]!.score).toBeLessThanOrEqual(capped.copies[0]!.figures.expectedDays + WEIGHTS.loadBalanceCapDays + 0.01);
    const uncapped = rankCopies(input({ copies, lenders: stats, settings: { ...WEIGHTS, loadBalanceCapDays: 365 } }));
    expect(uncapped.copies.map((c) => c.library)).toEqual(["SLOW", "BUSYFAST"]);
  });

  it("weighs distance between members when the admin turns it on", () => {
    const borrower = { libraryId: BORROWER, latitude: 51.5074, longitude: -0.1278 }; // London
    const copies = [
      copy(2, "EDINBURGH", { latitude: 55.9533, longitude: -3.1883 }),
      copy(3, "OXFORD", { latitude: 51.752, longitude: -1.2577 }),
    ];
    const off = rankCopies(input({ borrower, copies }));
    expect(off.copies.map((c) => c.library)).toEqual(["EDINBURGH", "OXFORD"]); // equal figures: code decides
    expect(off.copies[1]!.figures.distanceKm).toBeCloseTo(82.6, 1);
    const on = rankCopies(input({ borrower, copies, settings: { ...WEIGHTS, distanceWeight: 0.002 } }));
    expect(on.copies.map((c) => c.library)).toEqual(["OXFORD", "EDINBURGH"]);
    expect(on.copies[0]!.reason).toContain("83 km away");
    expect(haversineKm({ latitude: 0, longitude: 0 }, { latitude: 0, longitude: 1 })).toBeCloseTo(111.2, 1);
  });

  it("breaks ties by fewest requests sent today, then member code, and is stable", () => {
    const copies = [copy(4, "DELTA"), copy(2, "BRAVO"), copy(3, "CHARLIE"), copy(5, "ALPHA")];
    const sentToday = new Map([
      [5, 3],
      [2, 1],
    ]);
    const first = rankCopies(input({ copies, sentToday }));
    expect(first.copies.map((c) => c.library)).toEqual(["CHARLIE", "DELTA", "BRAVO", "ALPHA"]);
    const again = rankCopies(
      input({ copies: [...copies].reverse(), sentToday: new Map([...sentToday].reverse()) }),
    );
    expect(again).toEqual(first);
  });

  it("says how old the status is: harvested, or checked live", () => {
    const ranked = rankCopies(
      input({
        copies: [
          copy(2, "HARVESTED", { statusAsOf: "2025-06-01T09:00:00.000Z" }),
          copy(3, "LIVE", { statusSource: "live", statusAsOf: "2025-06-01T11:59:50.000Z" }),
          copy(4, "OLD", { statusAsOf: "2025-05-20T12:00:00.000Z" }),
        ],
      }),
    );
    const ages = Object.fromEntries(ranked.copies.map((c) => [c.library, c.figures.statusAge]));
    expect(ages).toEqual({
      HARVESTED: "as harvested 3 h ago",
      LIVE: "checked live just now",
      OLD: "as harvested 12 days ago",
    });
  });

  it("returns an empty rota when nobody can lend", () => {
    expect(rankCopies(input({ copies: [] }))).toEqual({ ownShelf: null, copies: [] });
  });
});
