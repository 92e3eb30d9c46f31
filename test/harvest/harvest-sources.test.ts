/**
 * Several sources harvested as one load (harvester/src/run/harvest-sources.ts): every member into
 * the db first, then one indexing pass, so a work several members hold reaches Meilisearch once.
 * A generated consortium (MARCXML files), a real database and a real Meilisearch.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMeiliUnionIndexWriter, ensureUnionIndex, type UnionDocument } from "@interlend/core/meili";
import type { Dialect } from "@interlend/db";
import { harvestSources } from "@interlend/harvester/run/harvest-sources";
import { registerDemoMembers } from "../../scripts/demo.ts";
import { writeDemoConsortium } from "../generator/write-files.ts";
import { createTestDatabase, DIALECTS, postgresAvailable, type TestDatabase } from "../support/databases.ts";
import { startTestMeili, type TestMeili } from "../support/meili.ts";

let meili: TestMeili;
let dir: string;

beforeAll(async () => {
  meili = await startTestMeili();
  dir = await mkdtemp(path.join(os.tmpdir(), "interlend-load-"));
});

afterAll(async () => {
  await meili?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe.each(DIALECTS)("harvesting several sources as one load on %s", (dialect: Dialect) => {
  let database: TestDatabase | undefined;
  afterAll(async () => database?.dispose());

  it("indexes once at the end, each union record sent once with every member's copies", async (ctx) => {
    if (dialect === "postgres" && !(await postgresAvailable())) return ctx.skip();
    database = await createTestDatabase(dialect);
    const db = database.db;
    const demo = await writeDemoConsortium({ records: 400, outDir: path.join(dir, dialect), format: "marcxml", seed: 3 });
    const sources = await registerDemoMembers(db, demo);
    const uid = meili.indexUid("load");
    await ensureUnionIndex(meili.transport, uid);
    const writer = createMeiliUnionIndexWriter(meili.transport, uid);
    const sent: string[] = [];
    const outboxWhenIndexing: number[] = [];
    const recording = {
      replace: async (documents: UnionDocument[]) => {
        sent.push(...documents.map((d) => d.id));
        await writer.replace(documents);
      },
      remove: (ids: string[]) => writer.remove(ids),
    };

    const done: string[] = [];
    const runs = await harvestSources({
      db,
      sources,
      index: recording,
      onRunDone: (source) => {
        done.push(source.name);
        expect(sent).toEqual([]); // nothing indexed while members are still being harvested
      },
      onIndexing: (clusters) => outboxWhenIndexing.push(clusters),
    });
    await writer.flush();

    expect(done).toEqual(demo.libraries.map((l) => l.code));
    expect(runs.map((r) => r.status)).toEqual(sources.map(() => "succeeded"));
    expect(runs.reduce((sum, r) => sum + r.seen, 0)).toBe(400);
    const clusters = (await db.selectFrom("clusters").select("id").execute()).map((r) => String(r.id));
    expect(outboxWhenIndexing).toEqual([clusters.length]);
    expect(sent.length).toBe(new Set(sent).size);
    expect(new Set(sent)).toEqual(new Set(clusters));
    expect(await db.selectFrom("index_outbox").select("cluster_id").execute()).toEqual([]);

    const stats = await meili.transport.request<{ numberOfDocuments: number }>("GET", `/indexes/${uid}/stats`);
    expect(stats.numberOfDocuments).toBe(clusters.length);
    // A work held by several members lists them all.
    const shared = await meili.transport.request<{ hits: UnionDocument[] }>("POST", `/indexes/${uid}/search`, { q: "", limit: 1000 });
    const held = shared.hits.filter((d) => d.libraries.length > 1);
    expect(held.length).toBeGreaterThan(0);
    for (const doc of held) {
      const members = await db
        .selectFrom("bib_records")
        .innerJoin("libraries", "libraries.id", "bib_records.library_id")
        .select("libraries.code")
        .distinct()
        .where("bib_records.cluster_id", "=", Number(doc.id))
        .execute();
      expect([...doc.libraries].sort()).toEqual(members.map((m) => m.code).sort());
    }
  });
});
