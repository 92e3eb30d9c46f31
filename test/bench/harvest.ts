/**
 * `npm run bench:harvest`: a generated consortium (BENCH_RECORDS, default 1,000,000) as MARCXML
 * (BENCH_FORMAT=iso2709 for ISO 2709) through the real file-source path — parse → normalise →
 * db (SQLite, or DATABASE_URL) → clusters → Meilisearch — until every document is searchable.
 * Beside it, in the same run, the same final documents pushed into a fresh index with the same
 * settings (Meilisearch alone). The last line is one JSON object with the figures.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { REPO_ROOT } from "@interlend/core";
import {
  createMeiliTransport,
  createMeiliUnionIndexWriter,
  ensureUnionIndex,
  startManagedMeilisearch,
  type UnionDocument,
} from "@interlend/core/meili";
import { createSource, ensureLibrary, migrateToLatest, openDatabase } from "@interlend/db";
import { harvestProgressBar } from "@interlend/harvester/cli/progress-bar";
import { indexClusters } from "@interlend/harvester/indexer/drain-outbox";
import { runHarvest } from "@interlend/harvester/run/run-harvest";
import { writeDemoConsortium } from "../generator/write-files.ts";

const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const FORMAT = process.env.BENCH_FORMAT === "iso2709" ? "iso2709" : "marcxml";

function peakRssSampler() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 250);
  return { stop: () => (clearInterval(timer), Math.max(peak, process.memoryUsage().rss)) };
}

async function main() {
  const genDir = path.join(REPO_ROOT, "data", "bench", `${FORMAT}-${RECORDS}`);
  mkdirSync(genDir, { recursive: true });
  console.error(`Generating ${RECORDS} records (${FORMAT}) in ${genDir} (reused when present)…`);
  const demo = await writeDemoConsortium({ records: RECORDS, outDir: genDir, format: FORMAT, seed: 1 });

  const work = mkdtempSync(path.join(os.tmpdir(), "interlend-bench-harvest-"));
  const meili = await startManagedMeilisearch({ dataDir: work });
  const transport = createMeiliTransport({ url: meili.url, apiKey: meili.masterKey });
  const database = openDatabase({ databaseUrl: process.env.DATABASE_URL, sqlitePath: path.join(work, "bench.sqlite") });
  try {
    await migrateToLatest(database);
    const db = database.db;
    await ensureUnionIndex(transport, "bench_union");
    const writer = createMeiliUnionIndexWriter(transport, "bench_union");
    const rss = peakRssSampler();
    const started = performance.now();
    let seen = 0;
    for (const member of demo.libraries) {
      const library = await ensureLibrary(db, member);
      const source = await createSource(db, { libraryId: library.id, name: member.code, protocol: "file", endpoint: demo.files[member.code]! });
      const bar = harvestProgressBar(member.code);
      const run = await runHarvest({ db, source, index: writer, onProgress: bar.update });
      bar.stop();
      if (run.status === "failed") throw new Error(`${member.code}: ${run.error}`);
      seen += run.seen;
    }
    await writer.flush();
    const seconds = (performance.now() - started) / 1000;
    const peakRssMiB = rss.stop() / 2 ** 20;

    // Meilisearch alone: the same final documents into a fresh index with the same settings.
    const documents: UnionDocument[] = [];
    const collect = { replace: async (docs: UnionDocument[]) => void documents.push(...docs), remove: async () => {} };
    const ids = (await db.selectFrom("clusters").select("id").orderBy("id").execute()).map((r) => r.id);
    for (let i = 0; i < ids.length; i += 5_000) await indexClusters(db, collect, ids.slice(i, i + 5_000));
    await ensureUnionIndex(transport, "bench_alone");
    const alone = createMeiliUnionIndexWriter(transport, "bench_alone");
    const aloneStarted = performance.now();
    await alone.replace(documents);
    await alone.flush();
    const aloneSeconds = (performance.now() - aloneStarted) / 1000;

    const figures = {
      records: seen,
      format: FORMAT,
      unionRecords: documents.length,
      seconds: Number(seconds.toFixed(1)),
      recordsPerSec: Math.round(seen / seconds),
      peakRssMiB: Math.round(peakRssMiB),
      meiliAloneSeconds: Number(aloneSeconds.toFixed(1)),
      meiliAloneRecordsPerSec: Math.round(seen / aloneSeconds),
      meiliAloneDocsPerSec: Math.round(documents.length / aloneSeconds),
      dialect: database.dialect,
    };
    console.log(JSON.stringify(figures));
  } finally {
    transport.close();
    await database.close();
    await meili.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
