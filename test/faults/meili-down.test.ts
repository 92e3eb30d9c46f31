/**
 * Meilisearch killed during a harvest: the harvest still lands in the db, the changed clusters
 * wait in the outbox, /health says degraded and search answers 503 with a problem body; when
 * Meilisearch is back the index catches up from the outbox.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMeiliTransport, createMeiliUnionIndexWriter, ensureUnionIndex, startManagedMeilisearch, type ManagedMeilisearch, type MeiliTransport } from "@interlend/core/meili";
import { createSource, ensureLibrary } from "@interlend/db";
import { drainOutbox } from "@interlend/harvester/indexer/drain-outbox";
import { toIso2709 } from "@interlend/harvester/marc/writers";
import { runHarvest } from "@interlend/harvester/run/run-harvest";
import { cachedLibraryNames } from "@interlend/search-api/library-names";
import { startApiServer } from "@interlend/search-api/server";
import { createMeiliSearchBackend } from "@interlend/search-api/services/meili-search-backend";
import { createTestDatabase, type TestDatabase } from "../support/databases.ts";
import { bibRecord } from "../support/marc-factory.ts";

const RECORDS = 3_000;
const INDEX = "fault_union";

describe("Meilisearch down during a harvest", () => {
  let database: TestDatabase;
  let dir: string;
  let meili: ManagedMeilisearch;
  let transport: MeiliTransport;

  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    dir = mkdtempSync(path.join(os.tmpdir(), "interlend-fault-"));
    meili = await startManagedMeilisearch({ dataDir: dir });
    transport = createMeiliTransport({ url: meili.url, apiKey: meili.masterKey });
    await ensureUnionIndex(transport, INDEX);
    const records = Array.from({ length: RECORDS }, (_, i) => toIso2709(bibRecord({ id: `f${i}`, title: `Fault title ${i}`, isbns: [], items: [[`i${i}`, "available"]] })));
    writeFileSync(path.join(dir, "member.mrc"), Buffer.concat(records));
  });
  afterAll(async () => {
    transport?.close();
    await meili?.stop();
    await database?.dispose();
    rmSync(dir, { recursive: true, force: true });
  });

  it("finishes the harvest into the db, reports degraded, and catches up when it is back", async () => {
    const db = database.db;
    const library = await ensureLibrary(db, { code: "FLT", name: "Fault Library" });
    const source = await createSource(db, { libraryId: library.id, name: "fault-file", protocol: "file", endpoint: path.join(dir, "member.mrc"), options: { pageSize: 500 } });
    const indexErrors: Error[] = [];
    let killed = false;
    const run = await runHarvest({
      db,
      source,
      index: createMeiliUnionIndexWriter(transport, INDEX),
      onIndexError: (error) => indexErrors.push(error),
      onProgress: (progress) => {
        if (!killed && progress.pages >= 1) {
          killed = true;
          process.kill(meili.pid, "SIGKILL");
        }
      },
    });
    expect(killed).toBe(true);
    expect(run.status).toBe("succeeded");
    expect(run.added).toBe(RECORDS);
    expect(indexErrors.length).toBeGreaterThan(0);
    const waiting = await db.selectFrom("index_outbox").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(waiting.n)).toBeGreaterThan(0);

    const api = await startApiServer({ db, search: createMeiliSearchBackend(transport, INDEX), libraryNames: cachedLibraryNames(db) }, "127.0.0.1", 0);
    try {
      const health = await fetch(`${api.url}/health`);
      expect(health.status).toBe(503);
      expect(await health.json()).toEqual({ status: "degraded", db: "ok", search: "down" });
      const search = await fetch(`${api.url}/v1/search?q=fault`);
      expect(search.status).toBe(503);
      expect(search.headers.get("content-type")).toContain("application/problem+json");
      const body = (await search.json()) as { title: string; detail: string };
      expect(body.title).toMatch(/unavailable/i);
      expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/);
    } finally {
      await api.close();
    }

    await meili.stop();
    meili = await startManagedMeilisearch({ dataDir: dir });
    transport.close();
    transport = createMeiliTransport({ url: meili.url, apiKey: meili.masterKey });
    const writer = createMeiliUnionIndexWriter(transport, INDEX);
    await drainOutbox(db, writer);
    await writer.flush();
    const left = await db.selectFrom("index_outbox").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(left.n)).toBe(0);
    const stats = await transport.request<{ numberOfDocuments: number }>("GET", `/indexes/${INDEX}/stats`);
    expect(stats.numberOfDocuments).toBe(RECORDS);
  });
});
