import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  createMeiliTransport,
  createMeiliUnionIndexWriter,
  ensureUnionIndex,
  MeiliApiError,
  startManagedMeilisearch,
  type ManagedMeilisearch,
  type MeiliTransport,
} from "@interlend/core/meili";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { unionDocument } from "./union-document-fixture.ts";
import { createMeiliSearchBackend } from "./meili-search-backend.ts";
import { searchQuerySchema } from "./search-query.ts";
import { searchUnionIndex, SearchUnavailableError } from "./search-service.ts";

let dataDir: string;
let server: ManagedMeilisearch;
let transport: MeiliTransport;
const uid = `backend_${process.pid}`;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), "interlend-backend-"));
  server = await startManagedMeilisearch({ dataDir });
  transport = createMeiliTransport({ url: server.url, apiKey: server.masterKey });
  await ensureUnionIndex(transport, uid);
  const writer = createMeiliUnionIndexWriter(transport, uid);
  await writer.replace([
    unionDocument("1", "Notes on the Analytical Engine", { isbn: ["9780000000001"] }),
    unionDocument("2", "Sketch of the Analytical Engine", { format: "ebook", available: false, availableAt: [] }),
    unionDocument("3", "Unrelated gardening book", { authors: ["Someone Else"], language: "fre" }),
    unionDocument("4", "Engine of the analytical kind", { authors: ["Someone Else"] }),
  ]);
  await writer.flush();
});

afterAll(async () => {
  transport?.close();
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("createMeiliSearchBackend", () => {
  it("searches the union index with filters, facets and highlights", async () => {
    const backend = createMeiliSearchBackend(transport, uid);
    expect(await backend.healthy()).toBe(true);

    const all = await searchUnionIndex(backend, searchQuerySchema.parse({ q: "analytical engine" }));
    expect(all.total).toBe(3);
    expect(all.facets.format).toEqual({ book: 2, ebook: 1 });
    expect(all.facets.library).toEqual({ ALB: 3 });
    expect(all.facets.available).toEqual({ true: 2, false: 1 });
    expect(all.hits[0]?.highlight).toMatchObject({ title: expect.stringContaining("<mark>") });

    const onShelf = await searchUnionIndex(backend, searchQuerySchema.parse({ q: "engine", available: "true", format: "book", language: "eng", yearFrom: "1800", yearTo: "1900" }));
    expect(onShelf.hits.map((h) => h.id).sort()).toEqual(["1", "4"]);

    const byIsbn = await searchUnionIndex(backend, searchQuerySchema.parse({ q: "978-0-00-000000-1" }));
    expect(byIsbn.hits.map((h) => h.id)).toEqual(["1"]);
  });

  it("finds a quoted phrase only where its words stand together, in order", async () => {
    const backend = createMeiliSearchBackend(transport, uid);
    const phrase = await searchUnionIndex(backend, searchQuerySchema.parse({ q: '"analytical engine"' }));
    expect(phrase.hits.map((h) => h.id).sort()).toEqual(["1", "2"]);
  });

  it("matches every word, and falls back to most of them (saying so) when no title has them all", async () => {
    const backend = createMeiliSearchBackend(transport, uid);
    const every = await searchUnionIndex(backend, searchQuerySchema.parse({ q: "sketch engine" }));
    expect(every.hits.map((h) => h.id)).toEqual(["2"]);
    expect(every.allWordsMatched).toBe(true);

    const most = await searchUnionIndex(backend, searchQuerySchema.parse({ q: "gardening engine" }));
    expect(most.allWordsMatched).toBe(false);
    expect(most.hits.map((h) => h.id)).toEqual(["3"]);
    expect(most.facets.language).toEqual({ fre: 1 });

    const nothing = await searchUnionIndex(backend, searchQuerySchema.parse({ q: "zzyzx qwxvt" }));
    expect(nothing).toMatchObject({ total: 0, allWordsMatched: true });
  });

  it("passes a bad request through, but reports a missing index as unavailable", async () => {
    const backend = createMeiliSearchBackend(transport, uid);
    await expect(backend.search({ q: "", filter: "nope = 1" })).rejects.toBeInstanceOf(MeiliApiError);
    const missing = createMeiliSearchBackend(transport, `${uid}_missing`);
    await expect(missing.search({ q: "" })).rejects.toBeInstanceOf(SearchUnavailableError);
  });

  it("throws SearchUnavailableError and reports unhealthy when Meilisearch is down", async () => {
    const other = await startManagedMeilisearch({ dataDir: path.join(dataDir, "other") });
    const otherTransport = createMeiliTransport({ url: other.url, apiKey: other.masterKey, timeoutMs: 2_000 });
    const backend = createMeiliSearchBackend(otherTransport, uid);
    expect(await backend.healthy()).toBe(true);
    await other.stop();
    const error = await backend.search({ q: "engine" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SearchUnavailableError);
    expect(await backend.healthy()).toBe(false);
    otherTransport.close();
  });
});
