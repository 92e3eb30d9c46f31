import { describe, expect, it } from "vitest";
import {
  MAX_PAGE,
  filterFields,
  hasFilters,
  parseSearchState,
  toQueryString,
  toggleAvailable,
  toggleFacet,
  sortFields,
  withSort,
  withoutFilters,
} from "./params";

const parse = (qs: string) => parseSearchState(new URLSearchParams(qs));

describe("parseSearchState", () => {
  it("reads every parameter", () => {
    expect(
      parse("q=%20hobbit%20&format=book&format=ebook&language=eng&library=NORTH&available=true&page=3"),
    ).toEqual({
      q: "hobbit",
      format: ["book", "ebook"],
      language: ["eng"],
      library: ["NORTH"],
      available: true,
      page: 3,
    });
  });

  it("defaults and drops what it cannot use", () => {
    expect(parse("page=-2&available=maybe&format=<script>&format=book&format=book")).toEqual({
      q: "",
      format: ["book"],
      language: [],
      library: [],
      page: 1,
    });
    expect(parse("page=abc").page).toBe(1);
    expect(parse("page=99999").page).toBe(MAX_PAGE);
  });

  it("splits comma lists like the API does", () => {
    expect(parse("format=book,ebook").format).toEqual(["book", "ebook"]);
  });

  it("caps the query length", () => {
    expect(parse(`q=${"a".repeat(600)}`).q).toHaveLength(500);
  });
});

describe("links", () => {
  const state = parse("q=hobbit&format=book&page=4");

  it("round-trips through the query string, leaving out defaults", () => {
    expect(toQueryString(state)).toBe("?q=hobbit&format=book&page=4");
    expect(parse(toQueryString(state).slice(1))).toEqual(state);
    expect(toQueryString(parse(""))).toBe("");
  });

  it("toggles facets and returns to page 1", () => {
    expect(toQueryString(toggleFacet(state, "format", "ebook"))).toBe("?q=hobbit&format=book&format=ebook");
    expect(toQueryString(toggleFacet(state, "format", "book"))).toBe("?q=hobbit");
    expect(toQueryString(toggleAvailable(state))).toBe("?q=hobbit&format=book&available=true");
    expect(toQueryString(toggleAvailable(toggleAvailable(state)))).toBe("?q=hobbit&format=book");
  });

  it("clears filters but keeps the query", () => {
    expect(hasFilters(state)).toBe(true);
    expect(hasFilters(withoutFilters(state))).toBe(false);
    expect(toQueryString(withoutFilters(state))).toBe("?q=hobbit");
  });

  it("keeps filters as hidden form fields", () => {
    expect(filterFields(parse("format=book&library=NORTH&available=false"))).toEqual([
      { name: "format", value: "book" },
      { name: "library", value: "NORTH" },
      { name: "available", value: "false" },
    ]);
  });
});

describe("year range", () => {
  const parseYears = (qs: string) => parseSearchState(new URLSearchParams(qs));

  it("reads, orders and keeps the years in links and hidden fields", () => {
    const state = parseYears("q=x&yearFrom=2001&yearTo=1990");
    expect(state).toMatchObject({ yearFrom: 1990, yearTo: 2001 });
    expect(toQueryString(state)).toBe("?q=x&yearFrom=1990&yearTo=2001");
    expect(hasFilters(state)).toBe(true);
    expect(filterFields(state)).toEqual([
      { name: "yearFrom", value: "1990" },
      { name: "yearTo", value: "2001" },
    ]);
    expect(toQueryString(withoutFilters(state))).toBe("?q=x");
  });

  it("drops years that are not years", () => {
    expect(parseYears("yearFrom=abc&yearTo=99999")).not.toHaveProperty("yearFrom");
    expect(parseYears("yearTo=99999")).not.toHaveProperty("yearTo");
  });
});

describe("sort order", () => {
  it("reads a known order, leaving relevance (the default) and unknown values out", () => {
    expect(parse("q=x&sort=newest").sort).toBe("newest");
    expect(parse("q=x&sort=TITLE").sort).toBe("title");
    expect(parse("q=x&sort=relevance")).not.toHaveProperty("sort");
    expect(parse("q=x&sort=price")).not.toHaveProperty("sort");
  });

  it("keeps the order in links, hidden fields and cleared filters; a new order goes to page 1", () => {
    const state = parse("q=x&format=book&sort=oldest&page=3");
    expect(toQueryString(state)).toBe("?q=x&format=book&sort=oldest&page=3");
    expect(toQueryString(withoutFilters(state))).toBe("?q=x&sort=oldest");
    expect(toQueryString(withSort(state, "title"))).toBe("?q=x&format=book&sort=title");
    expect(toQueryString(withSort(state, "relevance"))).toBe("?q=x&format=book");
    expect(sortFields(state)).toEqual([{ name: "sort", value: "oldest" }]);
    expect(sortFields(parse("q=x"))).toEqual([]);
  });
});
