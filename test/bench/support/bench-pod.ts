/**
 * A generated pod harvested into SQLite + Meilisearch under data/bench/pod-N, kept between runs
 * (the first run pays for generation and ingest once).
 */
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT } from "@interlend/core";
import { createMeiliTransport, createMeiliUnionIndexWriter, ensureUnionIndex, lacksFacetValues, startManagedMeilisearch, type MeiliTransport } from "@interlend/core/meili";
import { reindexAll } from "@interlend/harvester/indexer/reindex";
import { migrateToLatest, openDatabase, type DatabaseHandle } from "@interlend/db";
import { harvestDemoConsortium } from "../../../scripts/demo.ts";

export const BENCH_INDEX = "bench_union";

export interface BenchPod {
  dir: string;
  sqlitePath: string;
  meiliUrl: string;
  masterKey: string;
  transport: MeiliTransport;
  database: DatabaseHandle;
  close(): Promise<void>;
}

export async function openBenchPod(records: number, log: (line: string) => void): Promise<BenchPod> {
  const dir = path.join(REPO_ROOT, "data", "bench", `pod-${records}`);
  mkdirSync(dir, { recursive: true });
  const sqlitePath = path.join(dir, "pod.sqlite");
  const readyMarker = path.join(dir, "ready");
  const meili = await startManagedMeilisearch({ dataDir: dir });
  const transport = createMeiliTransport({ url: meili.url, apiKey: meili.masterKey });
  const database = openDatabase({ sqlitePath });
  await migrateToLatest(database);
  // A pod built before a settings change is brought in line first (Meilisearch re-indexes it).
  const { updatedSettings } = await ensureUnionIndex(transport, BENCH_INDEX, { timeoutMs: 30 * 60_000 });
  if (updatedSettings.length > 0) log(`bench index settings updated: ${updatedSettings.join(", ")}`);
  if (await lacksFacetValues(transport, BENCH_INDEX)) {
    log("bench index predates facet values: rebuilding it from the pod's db…");
    await reindexAll(database.db, transport, BENCH_INDEX);
  }
  if (!existsSync(readyMarker)) {
    log(`Building a ${records}-record bench pod in ${dir} (once)…`);
    const index = createMeiliUnionIndexWriter(transport, BENCH_INDEX);
    await harvestDemoConsortium({ db: database.db, index, dataDir: dir, records, log, showProgress: true });
    await index.flush();
    writeFileSync(readyMarker, new Date().toISOString());
  }
  return {
    dir,
    sqlitePath,
    meiliUrl: meili.url,
    masterKey: meili.masterKey,
    transport,
    database,
    async close() {
      transport.close();
      await database.close();
      await meili.stop();
    },
  };
}
