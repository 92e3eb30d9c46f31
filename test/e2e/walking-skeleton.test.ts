/**
 * The whole path, for real: generated MARCXML files → file sources → db (SQLite and PostgreSQL)
 * → clusters → Meilisearch → the API over HTTP.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMeiliUnionIndexWriter, ensureUnionIndex } from "@interlend/core/meili";
import { listSources, type Dialect } from "@interlend/db";
import { reindexAll } from "@interlend/harvester/indexer/reindex";
import { runHarvest } from "@interlend/harvester/run/run-harvest";
import { cachedLibraryNames } from "@interlend/search-api/library-names";
import { startApiServer, type RunningServer } from "@interlend/search-api/server";
import { createMeiliSearchBackend } from "@interlend/search-api/services/meili-search-backend";
import { harvestDemoConsortium } from "../../scripts/demo.ts";
import { createTestDatabase, DIALECTS, postgresAvailable, type TestDatabase } from "../support/databases.ts";
import { startTestMeili, type TestMeili } from "../support/meili.ts";

const RECORDS = 900;

interface SearchBody {
  hits: Array<{ id: string; title: string; isbn: string[]; libraries: string[]; memberCount: number; availableCount: number; format: string }>;
  total: number;
  page: number;
  limit: number;
  facets: Record<string, Record<string, number>>;
  libraries: Record<string, string>;
}

let meili: TestMeili;
beforeAll(async () => {
  meili = await startTestMeili();
});
afterAll(async () => {
  await meili?.stop();
});

describe.each(DIALECTS)("walking skeleton on %s", (dialect: Dialect) => {
  let database: TestDatabase | undefined;
  let api: RunningServer;
  let dataDir: string;
  let indexUid: string;

  beforeAll(async () => {
    if (dialect === "postgres" && !(await postgresAvailable())) return;
    database = await createTestDatabase(dialect);
    dataDir = mkdtempSync(path.join(os.tmpdir(), "interlend-e2e-"));
    indexUid = meili.indexUid(`e2e_${dialect}`);
    await ensureUnionIndex(meili.transport, indexUid);
    const index = createMeiliUnionIndexWriter(meili.transport, indexUid);
    const harvested = await harvestDemoConsortium({ db: database.db, index, dataDir, records: RECORDS, log: () => {}, showProgress: false });
    expect(harvested).toBe(true);
    await index.flush();
    api = await startApiServer(
      { db: database.db, search: createMeiliSearchBackend(meili.transport, indexUid), libraryNames: cachedLibraryNames(database.db) },
      "127.0.0.1",
      0,
    );
  });

  afterAll(async () => {
    await api?.close();
    await database?.dispose();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const get = async (pathAndQuery: string) => {
    const response = await fetch(`${api.url}${pathAndQuery}`);
    return { status: response.status, type: response.headers.get("content-type") ?? "", body: (await response.json()) as unknown };
  };
  const skipUnlessReady = () => database === undefined;

  it("harvests every member and clusters copies of the same work into one union record", async (ctx) => {
    if (skipUnlessReady()) return ctx.skip();
    const db = database!.db;
    const sources = await listSources(db);
    expect(sources.length).toBeGreaterThanOrEqual(5);
    const runs = await db.selectFrom("harvest_runs").selectAll().execute();
    expect(runs.every((r) => r.status === "succeeded" || r.status === "partial")).toBe(true);
    const seen = runs.reduce((sum, r) => sum + r.seen, 0);
    expect(seen).toBe(RECORDS);
    const bibs = await db.selectFrom("bib_records").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    const clusters = await db.selectFrom("bib_records").select("cluster_id").distinct().execute();
    expect(Number(bibs.n)).toBeGreaterThan(RECORDS * 0.95);
    // Overlapping holdings: fewer union records than member records.
    expect(clusters.length).toBeLessThan(Number(bibs.n) * 0.9);
  });

  it("searches the union index over HTTP with facets for format, language, library and availability", async (ctx) => {
    if (skipUnlessReady()) return ctx.skip();
    const all = await get("/v1/search?limit=5");
    expect(all.status).toBe(200);
    const body = all.body as SearchBody;
    expect(body.total).toBeGreaterThan(100);
    expect(body.hits).toHaveLength(5);
    expect(Object.keys(body.facets.library ?? {}).length).toBeGreaterThanOrEqual(5);
    expect(Object.keys(body.facets.format ?? {})).toContain("book");
    expect(Object.keys(body.facets.language ?? {})).toContain("eng");
    expect(body.facets.available?.true).toBeGreaterThan(0);
    expect(Object.keys(body.libraries).length).toBeGreaterThanOrEqual(5);

    const shared = (await get("/v1/search?limit=100&sort=title")).body as SearchBody;
    const multi = shared.hits.find((h) => h.memberCount >= 2 && h.isbn.length > 0);
    expect(multi, "some title is held by two or more members").toBeDefined();

    const byIsbn = (await get(`/v1/search?q=${multi!.isbn[0]}`)).body as SearchBody;
    expect(byIsbn.hits[0]?.id).toBe(multi!.id);
    // Names come for the members the answer shows (here the title's holders), not the whole pod.
    expect(Object.keys(byIsbn.libraries).sort()).toEqual([...new Set(byIsbn.hits.flatMap((h) => h.libraries))].sort());

    const word = multi!.title.split(/\s+/).find((w) => w.length > 4) ?? multi!.title;
    const byWord = (await get(`/v1/search?q=${encodeURIComponent(word)}&limit=50`)).body as SearchBody;
    expect(byWord.hits.map((h) => h.id)).toContain(multi!.id);

    const library = multi!.libraries[0]!;
    const filtered = (await get(`/v1/search?library=${library}&available=true&limit=50`)).body as SearchBody;
    expect(filtered.total).toBeGreaterThan(0);
    expect(filtered.total).toBeLessThan(body.total);
    for (const hit of filtered.hits) {
      expect(hit.libraries).toContain(library);
      expect(hit.availableCount).toBeGreaterThan(0);
    }

    const page2 = (await get("/v1/search?limit=5&page=2")).body as SearchBody;
    expect(page2.page).toBe(2);
    expect(page2.hits.map((h) => h.id)).not.toEqual(body.hits.map((h) => h.id));
  });

  it("shows a union record with every member's copies", async (ctx) => {
    if (skipUnlessReady()) return ctx.skip();
    const hits = ((await get("/v1/search?limit=100")).body as SearchBody).hits;
    const multi = hits.find((h) => h.memberCount >= 2)!;
    const record = await get(`/v1/records/${multi.id}`);
    expect(record.status).toBe(200);
    const body = record.body as { id: string; title: string; members: Array<{ library: string }>; holdings: Array<{ library: string; items: unknown[] }> };
    expect(body.id).toBe(multi.id);
    expect(new Set(body.members.map((m) => m.library)).size).toBe(multi.memberCount);
    expect(body.holdings.flatMap((h) => h.items).length).toBeGreaterThanOrEqual(multi.memberCount);

    const missing = await get("/v1/records/999999999");
    expect(missing.status).toBe(404);
    expect(missing.type).toContain("application/problem+json");
  });

  it("answers bad parameters with a problem naming the parameter", async (ctx) => {
    if (skipUnlessReady()) return ctx.skip();
    const bad = await get("/v1/search?limit=abc");
    expect(bad.status).toBe(400);
    expect(bad.type).toContain("application/problem+json");
    expect(JSON.stringify(bad.body)).toContain("limit");
    const unknown = await get("/v1/search?colour=red");
    expect(unknown.status).toBe(400);
    expect(JSON.stringify(unknown.body)).toContain("colour");
  });

  it("reports health of db and search", async (ctx) => {
    if (skipUnlessReady()) return ctx.skip();
    const health = await get("/health");
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: "ok", db: "ok", search: "ok" });
  });

  it("re-harvesting unchanged files changes nothing", async (ctx) => {
    if (skipUnlessReady()) return ctx.skip();
    const db = database!.db;
    const [source] = await listSources(db);
    const index = createMeiliUnionIndexWriter(meili.transport, indexUid);
    const run = await runHarvest({ db, source: source!, index });
    expect(run.status === "succeeded" || run.status === "partial").toBe(true);
    expect(run.seen).toBeGreaterThan(0);
    expect(run.added + run.updated + run.deleted).toBe(0);
  });

  it("rebuilds the whole index from the db and swaps it in", async (ctx) => {
    if (skipUnlessReady()) return ctx.skip();
    const before = (await get("/v1/search?limit=1")).body as SearchBody;
    await meili.transport.request("DELETE", `/indexes/${indexUid}/documents`);
    await new Promise((r) => setTimeout(r, 300));
    const { clusters } = await reindexAll(database!.db, meili.transport, indexUid);
    expect(clusters).toBe(before.total);
    const after = (await get("/v1/search?limit=1")).body as SearchBody;
    expect(after.total).toBe(before.total);
    const indexes = await meili.transport.request<{ results: Array<{ uid: string }> }>("GET", "/indexes?limit=100");
    expect(indexes.results.filter((i) => i.uid.startsWith(`${indexUid}_rebuild`))).toEqual([]);
  });
});
