import { afterEach, describe, expect, it, vi } from "vitest";

// The env module SvelteKit fills from the running process; a plain object stands in for it here.
const env = vi.hoisted(() => ({}) as Record<string, string | undefined>);
vi.mock("$env/dynamic/private", () => ({ env }));

import {
  ApiProblemError,
  ApiResponseError,
  ApiUnavailableError,
  apiBaseUrl,
  getRecord,
  searchCatalogue,
  searchQueryString,
} from "./api";

const params = {
  q: "hobbit",
  format: ["book", "ebook"],
  language: [],
  library: ["NORTH"],
  available: true,
  page: 2,
  limit: 20,
};

function json(status: number, body: unknown, type = "application/json") {
  return new Response(JSON.stringify(body), { status, headers: { "content-type": type } });
}

afterEach(() => {
  delete env.API_URL;
});

describe("search-api client", () => {
  it("reads API_URL when called, not when built", () => {
    env.API_URL = "http://api.test:9/";
    expect(apiBaseUrl()).toBe("http://api.test:9");
    env.API_URL = "";
    expect(apiBaseUrl()).toBe("http://127.0.0.1:3001");
  });

  it("sends the search parameters, lists repeated", async () => {
    expect(searchQueryString(params).toString()).toBe(
      "q=hobbit&format=book&format=ebook&library=NORTH&available=true&page=2&limit=20",
    );
    expect(searchQueryString({ ...params, sort: "newest" }).get("sort")).toBe("newest");
    expect(searchQueryString({ ...params, sort: "relevance" }).has("sort")).toBe(false);
    const seen: string[] = [];
    const fetchFn = vi.fn(async (url: string | URL | Request) => {
      seen.push(String(url));
      return json(200, { hits: [{ id: "c1", title: "T", libraries: ["NORTH"] }], total: 1, facets: {} });
    }) as unknown as typeof fetch;
    const result = await searchCatalogue(fetchFn, params);
    expect(seen[0]).toMatch(/\/v1\/search\?q=hobbit&format=book/);
    expect(result.hits[0]).toMatchObject({
      id: "c1",
      title: "T",
      authors: [],
      memberCount: 1,
      availableCount: 0,
    });
    expect(result.facets.format).toEqual({});
    expect(result.totalPages).toBe(1);
    expect(result.allWordsMatched).toBe(true);
    const someWords = (async () => json(200, { hits: [], total: 0, facets: {}, allWordsMatched: false })) as unknown as typeof fetch;
    expect((await searchCatalogue(someWords, params)).allWordsMatched).toBe(false);
  });

  it("turns problem+json into ApiProblemError", async () => {
    const problem = {
      type: "t",
      title: "Invalid search parameters",
      status: 400,
      detail: "Check page",
      errors: [{ path: "page", message: "too big" }],
    };
    const fetchFn = (async () => json(400, problem, "application/problem+json")) as typeof fetch;
    const error = await searchCatalogue(fetchFn, params).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiProblemError);
    expect((error as ApiProblemError).problem).toMatchObject({
      status: 400,
      detail: "Check page",
      errors: problem.errors,
    });
  });

  it("treats a network failure, a timeout and a 503 as unavailable", async () => {
    const refused = (async () => {
      throw new TypeError("fetch failed");
    }) as typeof fetch;
    await expect(searchCatalogue(refused, params)).rejects.toBeInstanceOf(ApiUnavailableError);

    const slow = (async () => {
      throw new DOMException("The operation was aborted due to timeout", "TimeoutError");
    }) as typeof fetch;
    await expect(searchCatalogue(slow, params)).rejects.toThrow(/did not answer/);

    const down = (async () => json(503, { title: "Search is unavailable", status: 503 })) as typeof fetch;
    await expect(searchCatalogue(down, params)).rejects.toBeInstanceOf(ApiUnavailableError);
  });

  it("rejects a body it cannot read", async () => {
    const html = (async () => new Response("<html>", { status: 200 })) as typeof fetch;
    await expect(searchCatalogue(html, params)).rejects.toBeInstanceOf(ApiResponseError);
    const wrong = (async () => json(200, { nope: true })) as typeof fetch;
    await expect(searchCatalogue(wrong, params)).rejects.toBeInstanceOf(ApiResponseError);
  });

  it("reads a record with its holdings", async () => {
    const urls: string[] = [];
    const fetchFn = (async (url: string | URL | Request) => {
      urls.push(String(url));
      return json(200, {
        id: "12",
        title: "The hobbit",
        authors: ["Tolkien, J. R. R."],
        isbns: ["9780261102217"],
        holdings: [
          {
            library: "NORTH",
            libraryName: "Northfield",
            items: [{ callNumber: "823", status: "available", dueDate: null }],
          },
        ],
      });
    }) as typeof fetch;
    const record = await getRecord(fetchFn, "12/../x");
    expect(urls[0]).toMatch(/\/v1\/records\/12%2F..%2Fx$/);
    expect(record.isbn).toEqual(["9780261102217"]);
    expect(record.holdings[0]!.items[0]).toEqual({ callNumber: "823", status: "available" });
  });
});
