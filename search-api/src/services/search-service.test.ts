import { describe, expect, it } from "vitest";
import { membersShown, type SearchResponse } from "./search-service.ts";

const answer = (hits: SearchResponse["hits"], library: Record<string, number>): SearchResponse => ({
  hits,
  total: hits.length,
  page: 1,
  limit: 20,
  totalPages: 1,
  facets: { format: {}, language: {}, library, available: {} },
  allWordsMatched: true,
});

describe("membersShown", () => {
  it("names the members in the hits, the library facet and the query's own filter, and no others", () => {
    const shown = membersShown(
      answer([{ id: "1", libraries: ["ALB", "BRI"], availableAt: ["CAR"] }, { id: "2", libraries: ["ALB"], availableAt: [] }], { ALB: 2, DUN: 1 }),
      { library: ["EDI"] },
    );
    expect([...shown].sort()).toEqual(["ALB", "BRI", "CAR", "DUN", "EDI"]);
  });

  it("is empty for an empty answer to an unfiltered query, and ignores what is not a code", () => {
    expect(membersShown(answer([], {}), {}).size).toBe(0);
    expect([...membersShown(answer([{ id: "1", libraries: "ALB", availableAt: [7, "BRI"] }], {}), {})]).toEqual(["BRI"]);
  });
});
