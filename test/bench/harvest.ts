/**
 * `npm run bench:harvest`: a generated consortium (BENCH_RECORDS, default 1,000,000) as MARCXML
 * through the real file-source path — parse → normalise → db (SQLite, or DATABASE_URL) → clusters
 * → Meilisearch — until every document is searchable. Then, in the same run:
 * - an incremental run of every source that finds no changes (`incrementalNoChangeSeconds`: the
 *   slowest source);
 * - Meilisearch alone: the same final documents pushed into a fresh index with the same settings;
 * - the same consortium as ISO 2709 through the same path into a fresh db and index
 *   (`isoRecordsPerSec`; BENCH_ISO=0 skips it).
 * BENCH_FORMAT=iso2709 makes ISO 2709 the main format (and skips the second pass). The last line
 * is one JSON object with the figures.
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
  type MeiliTransport,
  type UnionDocument,
} from "@interlend/core/meili";
import { createSource, ensureLibrary, migrateToLatest, openDatabase, type DatabaseHandle, type Source } from "@interlend/db";
import { harvestProgressBar } from "@interlend/harvester/cli/progress-bar";
import { indexClusters } from "@interlend/harvester/indexer/drain-outbox";
import { runHarvest } from "@interlend/harvester/run/run-harvest";
import { writeDemoConsortium } from "../generator/write-files.ts";

type Format = "marcxml" | "iso2709";
const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const FORMAT: Format = process.env.BENCH_FORMAT === "iso2709" ? "iso2709" : "marcxml";
const ISO_PASS = FORMAT === "marcxml" && process.env.BENCH_ISO !== "0";

function peakRssSampler() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 250);
  return { stop: () => (clearInterval(timer), Math.max(peak, process.memoryUsage().rss)) };
}

function openBenchDatabase(work: string, name: string): DatabaseHandle {
  // On PostgreSQL each pass gets a schema of its own, dropped at the end.
  const pgSchema = process.env.DATABASE_URL ? `bench_${name}_${process.pid}` : undefined;
  return openDatabase({ databaseUrl: process.env.DATABASE_URL, sqlitePath: path.join(work, `${name}.sqlite`), pgSchema });
}

async function dropSchema(database: DatabaseHandle): Promise<void> {
  if (database.dialect !== "postgres" || !database.schema) return;
  const { sql } = await import("kysely");
  await sql`drop schema if exists ${sql.id(database.schema)} cascade`.execute(database.db);
}

interface Pass {
  records: number;
  seconds: number;
  peakRssMiB: number;
  sources: Source[];
}

/** Generates (or reuses) the consortium in `format` and harvests every member into db and index. */
async function harvestPass(format: Format, database: DatabaseHandle, transport: MeiliTransport, uid: string): Promise<Pass> {
  const genDir = path.join(REPO_ROOT, "data", "bench", `${format}-${RECORDS}`);
  mkdirSync(genDir, { recursive: true });
  console.error(`Generating ${RECORDS} records (${format}) in ${genDir} (reused when present)…`);
  const demo = await writeDemoConsortium({ records: RECORDS, outDir: genDir, format, seed: 1 });
  if (database.schema && database.dialect === "postgres") {
    const { sql } = await import("kysely");
    await sql`create schema if not exists ${sql.id(database.schema)}`.execute(database.db);
  }
  await migrateToLatest(database);
  const db = database.db;
  await ensureUnionIndex(transport, uid);
  const writer = createMeiliUnionIndexWriter(transport, uid);
  const sources: Source[] = [];
  const rss = peakRssSampler();
  const started = performance.now();
  let seen = 0;
  for (const member of demo.libraries) {
    const library = await ensureLibrary(db, member);
    const source = await createSource(db, { libraryId: library.id, name: member.code, protocol: "file", endpoint: demo.files[member.code]! });
    sources.push(source);
    const bar = harvestProgressBar(`${member.code} ${format}`);
    const run = await runHarvest({ db, source, index: writer, onProgress: bar.update });
    bar.stop();
    if (run.status === "failed") throw new Error(`${member.code}: ${run.error}`);
    seen += run.seen;
  }
  await writer.flush();
  const seconds = (performance.now() - started) / 1000;
  return { records: seen, seconds, peakRssMiB: rss.stop() / 2 ** 20, sources };
}

async function main() {
  const work = mkdtempSync(path.join(os.tmpdir(), "interlend-bench-harvest-"));
  const meili = await startManagedMeilisearch({ dataDir: work });
  const transport = createMeiliTransport({ url: meili.url, apiKey: meili.masterKey });
  const database = openBenchDatabase(work, "bench");
  const figures: Record<string, unknown> = {};
  try {
    const pass = await harvestPass(FORMAT, database, transport, "bench_union");
    const db = database.db;

    // An incremental run of each source with nothing changed.
    const writer = createMeiliUnionIndexWriter(transport, "bench_union");
    let incrementalNoChangeSeconds = 0;
    let incrementalSeen = 0;
    for (const source of pass.sources) {
      const started = performance.now();
      const run = await runHarvest({ db, source, index: writer, mode: "incremental" });
      await writer.flush();
      incrementalNoChangeSeconds = Math.max(incrementalNoChangeSeconds, (performance.now() - started) / 1000);
      if (run.status === "failed") throw new Error(`incremental ${source.name}: ${run.error}`);
      incrementalSeen += run.added + run.updated + run.deleted;
    }

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
    const unionRecords = documents.length;
    documents.length = 0;

    Object.assign(figures, {
      records: pass.records,
      format: FORMAT,
      unionRecords,
      seconds: Number(pass.seconds.toFixed(1)),
      recordsPerSec: Math.round(pass.records / pass.seconds),
      peakRssMiB: Math.round(pass.peakRssMiB),
      meiliAloneSeconds: Number(aloneSeconds.toFixed(1)),
      meiliAloneRecordsPerSec: Math.round(pass.records / aloneSeconds),
      meiliAloneDocsPerSec: Math.round(unionRecords / aloneSeconds),
      incrementalNoChangeSeconds: Number(incrementalNoChangeSeconds.toFixed(2)),
      incrementalChanges: incrementalSeen,
      dialect: database.dialect,
    });

    if (ISO_PASS) {
      const isoDatabase = openBenchDatabase(work, "iso");
      try {
        const iso = await harvestPass("iso2709", isoDatabase, transport, "bench_iso");
        Object.assign(figures, {
          isoRecords: iso.records,
          isoSeconds: Number(iso.seconds.toFixed(1)),
          isoRecordsPerSec: Math.round(iso.records / iso.seconds),
          isoPeakRssMiB: Math.round(iso.peakRssMiB),
        });
      } finally {
        await dropSchema(isoDatabase);
        await isoDatabase.close();
      }
    }
    console.log(JSON.stringify(figures));
  } finally {
    transport.close();
    await dropSchema(database).catch(() => undefined);
    await database.close();
    await meili.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
