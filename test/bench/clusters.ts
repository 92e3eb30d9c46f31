/**
 * `npm run bench:clusters`: pairwise precision and recall of the clustering over a generated,
 * labelled consortium (BENCH_RECORDS, default 50,000): the same work catalogued differently at
 * different members must join; other editions, e-books and large print must stay apart.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { migrateToLatest, openDatabase } from "@interlend/db";
import { clusterQuality } from "./support/cluster-quality.ts";
import { round } from "./support/stats.ts";

const RECORDS = Number(process.env.BENCH_RECORDS ?? 50_000);
const work = mkdtempSync(path.join(os.tmpdir(), "interlend-bench-clusters-"));
const database = openDatabase({ sqlitePath: path.join(work, "clusters.sqlite") });
try {
  await migrateToLatest(database);
  const started = performance.now();
  const quality = await clusterQuality(database.db, { records: RECORDS, outDir: path.join(work, "gen"), seed: 11 });
  console.log(
    JSON.stringify({
      records: quality.records,
      works: quality.works,
      clusters: quality.clusters,
      precision: round(quality.precision, 4),
      recall: round(quality.recall, 4),
      truePairs: quality.truePairs,
      predictedPairs: quality.predictedPairs,
      seconds: round((performance.now() - started) / 1000, 1),
    }),
  );
} finally {
  await database.close();
  rmSync(work, { recursive: true, force: true });
}
