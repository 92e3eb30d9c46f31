import { describe, expect, it } from "vitest";
import type { SearchResponse } from "$lib/api-types";
import { parseSearchState } from "./params";
import { facetGroups, filterChips, pageWindow, pager } from "./view";

const response: SearchResponse = {
  hits: [],
  total: 1234,
  page: 1,
  limit: 20,
  totalPages: 62,
  facets: {
    format: { ebook: 12, book: 900, weird: 0 },
    language: { eng: 800, tlh: 2 },
    library: { NORTH: 500 },
    available: { true: 700, false: 534 },
  },
  allWordsMatched: true,
  libraries: { NORTH: "Northfield Public Library" },
};

describe("pageWindow", () => {
  it("shows first, last and neighbours with gaps", () => {
    expect(pageWindow(1, 1)).toEqual([1]);
    expect(pageWindow(1, 5)).toEqual([1, 2, 3, 4, 5]);
    expect(pageWindow(10, 62)).toEqual([1, "gap", 8, 9, 10, 11, 12, "gap", 62]);
    // A gap of one page is shown as that page.
    expect(pageWindow(4, 62)).toEqual([1, 2, 3, 4, 5, 6, "gap", 62]);
  });
});

describe("pager", () => {
  it("is absent for a single page", () => {
    expect(pager(parseSearchState(new URLSearchParams("q=x")), 1, "/")).toBeUndefined();
  });

  it("links previous / next and marks the current page", () => {
    const p = pager(parseSearchState(new URLSearchParams("q=x&page=2")), 62, "/")!;
    expect(p.previous).toBe("/?q=x");
    expect(p.next).toBe("/?q=x&page=3");
    expect(p.links.find((l) => l.kind === "page" && l.current)).toMatchObject({ page: 2 });
  });

  it("copes with a page past the end", () => {
    const p = pager(parseSearchState(new URLSearchParams("page=80")), 62, "/")!;
    expect(p.next).toBeUndefined();
    expect(p.previous).toBe("/?page=62");
    expect(p.links.some((l) => l.kind === "page" && l.current)).toBe(false);
  });
});

describe("facetGroups", () => {
  it("labels, orders by count and links each value", () => {
    const groups = facetGroups(parseSearchState(new URLSearchParams("q=x&format=ebook")), response, "/");
    expect(groups.map((g) => g.id)).toEqual(["format", "language", "library", "available"]);
    const format = groups[0]!;
    expect(format.entries.map((e) => [e.label, e.count, e.selected])).toEqual([
      ["E-book", 12, true],
      ["Book", 900, false],
    ]);
    expect(format.entries[0]!.href).toBe("/?q=x");
    expect(format.entries[1]!.href).toBe("/?q=x&format=ebook&format=book");
    expect(groups[1]!.entries.map((e) => e.label)).toEqual(["English", "tlh"]);
    expect(groups[2]!.entries[0]!.label).toBe("Northfield Public Library");
    expect(groups[3]!.entries[0]).toMatchObject({
      label: "Available now",
      count: 700,
      href: "/?q=x&format=ebook&available=true",
    });
  });

  it("keeps a selected value visible even when the API has no count for it", () => {
    const groups = facetGroups(parseSearchState(new URLSearchParams("language=ger")), response, "/");
    expect(groups[1]!.entries[0]).toMatchObject({ value: "ger", label: "German", selected: true });
    expect(groups[1]!.entries[0]!.count).toBeUndefined();
  });
});

describe("filterChips", () => {
  it("names each active filter and links to its removal", () => {
    const state = parseSearchState(new URLSearchParams("q=x&format=book&library=NORTH&available=true"));
    expect(filterChips(state, response.libraries, "/")).toEqual([
      { text: "Format: Book", href: "/?q=x&library=NORTH&available=true" },
      { text: "Library: Northfield Public Library", href: "/?q=x&format=book&available=true" },
      { text: "Available now", href: "/?q=x&format=book&library=NORTH" },
    ]);
  });
});
