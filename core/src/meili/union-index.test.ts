import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { Meilisearch, MeilisearchRequestError } from "meilisearch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MeiliApiError, MeiliTaskError } from "./errors.ts";
import { startManagedMeilisearch, type ManagedMeilisearch } from "./managed.ts";
import { createMeiliTransport, meiliHttpClient, type MeiliTransport } from "./transport.ts";
import { ensureUnionIndex, facetValuesFor, lacksFacetValues, UNION_INDEX_SETTINGS, waitForTask, waitForTasks, type EnqueuedTask, type UnionDocument } from "./union-index.ts";
import { createMeiliUnionIndexWriter } from "./union-index-writer.ts";

let dataDir: string;
let server: ManagedMeilisearch;
let transport: MeiliTransport;
let counter = 0;
const freshUid = () => `t_${process.pid}_${++counter}`;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), "interlend-union-"));
  server = await startManagedMeilisearch({ dataDir });
  transport = createMeiliTransport({ url: server.url, apiKey: server.masterKey });
});
afterAll(async () => {
  transport?.close();
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

const FORMATS = ["book", "ebook", "serial", "audio"];
const LIBRARIES = ["ALB", "BRK", "CAS", "DUN"];

function makeDocument(n: number, overrides: Partial<UnionDocument> = {}): UnionDocument {
  const libraries = LIBRARIES.filter((_, i) => (n + i) % 3 !== 0);
  const availableAt = libraries.filter((_, i) => (n + i) % 2 === 0);
  const document = {
    id: `c${n}`,
    title: n % 10 === 0 ? `Lighthouse keeping volume ${n}` : `Ordinary title number ${n}`,
    titleSort: `title ${String(n).padStart(5, "0")}`,
    authors: [`Author ${n % 7}`],
    subjects: n % 2 ? ["Coasts"] : ["Mountains"],
    year: 1950 + (n % 70),
    format: FORMATS[n % FORMATS.length]!,
    language: n % 5 === 0 ? "fre" : "eng",
    isbn: [`978000000${String(n).padStart(4, "0")}`],
    issn: [],
    libraries,
    availableAt,
    holdingsCount: libraries.length,
    availableCount: availableAt.length,
    memberCount: libraries.length,
    available: availableAt.length > 0,
    ...overrides,
  };
  return { ...document, facetValues: facetValuesFor(document) };
}

interface SearchAnswer {
  hits: Array<Record<string, unknown>>;
  totalHits?: number;
  estimatedTotalHits?: number;
  facetDistribution?: Record<string, Record<string, number>>;
}

const search = (uid: string, body: Record<string, unknown>) =>
  transport.request<SearchAnswer>("POST", `/indexes/${uid}/search`, body);

describe("ensureUnionIndex", () => {
  it("creates the index with our settings, then changes nothing on later calls", async () => {
    const uid = freshUid();
    const first = await ensureUnionIndex(transport, uid);
    expect(first.created).toBe(true);
    expect(first.updatedSettings.sort()).toEqual(
      [
        "searchableAttributes",
        "filterableAttributes",
        "sortableAttributes",
        "typoTolerance",
        "faceting",
        "facetSearch",
        "pagination",
      ].sort(),
    );
    const settings = await transport.request<Record<string, unknown>>("GET", `/indexes/${uid}/settings`);
    expect(settings.searchableAttributes).toEqual(UNION_INDEX_SETTINGS.searchableAttributes);
    expect(settings.faceting).toMatchObject({ maxValuesPerFacet: 1_000 });
    expect(settings.typoTolerance).toMatchObject({ disableOnAttributes: ["isbn", "issn"] });

    expect(await ensureUnionIndex(transport, uid)).toEqual({ created: false, updatedSettings: [] });

    // Documents written before facetValues existed ask for a rebuild.
    expect(await lacksFacetValues(transport, uid)).toBe(false);
    const old: Partial<UnionDocument> = makeDocument(1);
    delete old.facetValues;
    const writer = createMeiliUnionIndexWriter(transport, uid);
    await writer.replace([makeDocument(2), old as UnionDocument]);
    await writer.flush();
    expect(await lacksFacetValues(transport, uid)).toBe(true);
    await writer.replace([makeDocument(1)]);
    await writer.flush();
    expect(await lacksFacetValues(transport, uid)).toBe(false);

    // A drifted setting is put back, alone.
    const drift = await transport.request<EnqueuedTask>("PATCH", `/indexes/${uid}/settings`, { sortableAttributes: ["year"] });
    await waitForTask(transport, drift.taskUid);
    expect(await ensureUnionIndex(transport, uid)).toEqual({ created: false, updatedSettings: ["sortableAttributes"] });
  });
});

describe("createMeiliUnionIndexWriter", () => {
  it("makes replaced documents searchable with filters, facets and sorting", async () => {
    const uid = freshUid();
    await ensureUnionIndex(transport, uid);
    const writer = createMeiliUnionIndexWriter(transport, uid, { batchSize: 40 });
    const documents = Array.from({ length: 200 }, (_, n) => makeDocument(n));
    await writer.replace(documents);
    expect(writer.pendingTaskUids.length).toBe(5); // 200 / 40, none awaited yet
    await writer.flush();
    expect(writer.pendingTaskUids.length).toBe(0);

    const all = await search(uid, { q: "", limit: 0, facets: ["facetValues"] });
    expect(all.estimatedTotalHits).toBe(200);
    const counts = all.facetDistribution?.facetValues ?? {};
    expect(Object.fromEntries(Object.entries(counts).filter(([k]) => k.startsWith("format:")))).toEqual({
      "format:audio": 50,
      "format:book": 50,
      "format:ebook": 50,
      "format:serial": 50,
    });
    expect(counts["library:ALB"]).toBe(documents.filter((d) => d.libraries.includes("ALB")).length);

    const lighthouse = await search(uid, {
      q: "lighthouse",
      filter: ['facetValues = "language:fre"', 'facetValues IN ["format:book", "format:serial"]'],
      sort: ["year:desc"],
      hitsPerPage: 50,
      page: 1,
    });
    const expected = documents.filter((d) => d.title.startsWith("Lighthouse") && d.language === "fre" && ["book", "serial"].includes(d.format));
    expect(lighthouse.totalHits).toBe(expected.length);
    expect(expected.length).toBeGreaterThan(1);
    const years = lighthouse.hits.map((h) => h.year as number);
    expect(years).toEqual([...years].sort((a, b) => b - a));

    // Identifiers: exact, no typos.
    const byIsbn = await search(uid, { q: "", filter: 'isbn = "9780000000042"' });
    expect(byIsbn.hits.map((h) => h.id)).toEqual(["c42"]);
    const typoIsbn = await search(uid, { q: "9780000000043x", attributesToSearchOn: ["isbn"] });
    expect(typoIsbn.hits.length).toBe(0);

    const onShelf = await search(uid, { q: "", filter: 'facetValues = "library:ALB" AND facetValues = "available:true"', limit: 1000 });
    expect(onShelf.hits.length).toBe(documents.filter((d) => d.libraries.includes("ALB") && d.available).length);
    expect(onShelf.hits.length).toBeGreaterThan(0);
    // Attributes nobody filters on are not built for filtering.
    const notFilterable = await transport.request("POST", `/indexes/${uid}/search`, { q: "", filter: 'libraries = "ALB"' }).catch((e: unknown) => e);
    expect(notFilterable).toMatchObject({ code: "invalid_search_filter" });
  });

  it("replaces whole documents and removes them", async () => {
    const uid = freshUid();
    await ensureUnionIndex(transport, uid);
    const writer = createMeiliUnionIndexWriter(transport, uid);
    await writer.replace([makeDocument(1, { series: "Old series" }), makeDocument(2), makeDocument(3)]);
    await writer.replace([makeDocument(1, { title: "A new title" })]);
    await writer.remove(["c2"]);
    await writer.remove([]);
    await writer.flush();

    const doc = await transport.request<Record<string, unknown>>("GET", `/indexes/${uid}/documents/c1`);
    expect(doc.title).toBe("A new title");
    expect(doc).not.toHaveProperty("series"); // full replacement, not a partial update
    const remaining = await transport.request<{ results: Array<{ id: string }> }>(
      "POST",
      `/indexes/${uid}/documents/fetch`,
      { fields: ["id"], limit: 10 },
    );
    expect(remaining.results.map((d) => d.id).sort()).toEqual(["c1", "c3"]);
  });

  it("flush() throws Meilisearch's error when a task failed", async () => {
    const uid = freshUid();
    await ensureUnionIndex(transport, uid);
    const writer = createMeiliUnionIndexWriter(transport, uid);
    await writer.replace([makeDocument(1, { id: "not a valid id!" })]);
    const failure = await writer.flush().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(MeiliTaskError);
    expect((failure as MeiliTaskError).code).toBe("invalid_document_id");
    expect((failure as Error).message).toMatch(/not a valid id!/);
    await writer.flush(); // nothing left pending
  });
});

describe("errors and tasks", () => {
  it("MeiliApiError carries the status and Meilisearch's code for a bad filter", async () => {
    const uid = freshUid();
    await ensureUnionIndex(transport, uid);
    const error = await search(uid, { q: "", filter: "publisher = x" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MeiliApiError);
    expect(error).toMatchObject({ status: 400, code: "invalid_search_filter", type: "invalid_request" });
    expect((error as Error).message).toMatch(/publisher/);
  });

  it("waitForTask and waitForTasks report failed tasks", async () => {
    const bad = await transport.request<EnqueuedTask>("PATCH", `/indexes/${freshUid()}/settings`, {
      faceting: { maxValuesPerFacet: 10 },
    });
    // Settings on a missing index create it, so make a task that fails for sure: a duplicate create.
    const uid = freshUid();
    const created = await transport.request<EnqueuedTask>("POST", "/indexes", { uid });
    const duplicate = await transport.request<EnqueuedTask>("POST", "/indexes", { uid });
    await expect(waitForTask(transport, duplicate.taskUid)).rejects.toMatchObject({ code: "index_already_exists" });
    await expect(waitForTasks(transport, [bad.taskUid, created.taskUid, duplicate.taskUid])).rejects.toThrow(MeiliTaskError);
    const done = await waitForTasks(transport, [bad.taskUid, created.taskUid]);
    expect(done.map((t) => t.status)).toEqual(["succeeded", "succeeded"]);
  });

  it("serves the official client through meiliHttpClient", async () => {
    const uid = freshUid();
    await ensureUnionIndex(transport, uid);
    const client = new Meilisearch({ host: server.url, apiKey: server.masterKey, httpClient: meiliHttpClient(transport) });
    const index = client.index<UnionDocument>(uid);
    await index.addDocuments([makeDocument(7), makeDocument(10)]).waitTask();
    const result = await index.search("lighthouse", { filter: "year > 1900", facets: ["facetValues"] });
    expect(result.hits.map((h) => h.id)).toEqual(["c10"]);
    expect((await client.health()).status).toBe("available");

    const error = await index.search("x", { filter: "nope = 1" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MeilisearchRequestError);
    expect((error as Error).cause).toBeInstanceOf(MeiliApiError);
    expect((error as Error).cause).toMatchObject({ status: 400, code: "invalid_search_filter" });
  });

  it("answers many concurrent requests over the pooled sockets", async () => {
    const answers = await Promise.all(Array.from({ length: 50 }, () => transport.request<{ status: string }>("GET", "/health")));
    expect(answers.every((a) => a.status === "available")).toBe(true);
  });
});
