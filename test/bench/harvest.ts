/**
 * `npm run bench:harvest`: a generated consortium (BENCH_RECORDS, default 1,000,000) as MARCXML
 * through the real file-source path — parse → normalise → db (SQLite, or DATABASE_URL) → clusters
 * → Meilisearch — until every document is searchable. Then, in the same run:
 * - an incremental run of every source that finds no changes (`incrementalNoChangeSeconds`: the
 *   slowest source);
 * - Meilisearch alone: the same final documents pushed into a fresh index with the same settings;
 * - the same consortium as ISO 2709 through the same path into a fresh db and index
 *   (`isoRecordsPerSec`; BENCH_ISO=0 skips it).
 * The ISO 2709 pass runs in a process of its own, so its peak RSS is the harvest's alone (not what
 * the first pass and the Meilisearch-alone step left in this one).
 * BENCH_FORMAT=iso2709 makes ISO 2709 the main format (and skips the second pass). BENCH_MEMDEBUG=1
 * prints the main thread's memoryUsage() each time the peak RSS rises. The last line
 * is one JSON object with the figures.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
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
import { migrateToLatest, openDatabase, type DatabaseHandle, type Source } from "@interlend/db";
import { sourceProgressBars } from "@interlend/harvester/cli/progress-bar";
import { indexClusters } from "@interlend/harvester/indexer/drain-outbox";
import { harvestSources } from "@interlend/harvester/run/harvest-sources";
import { runHarvest } from "@interlend/harvester/run/run-harvest";
import { registerDemoMembers } from "../../scripts/demo.ts";
import { writeDemoConsortium } from "../generator/write-files.ts";

type Format = "marcxml" | "iso2709";
const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const FORMAT: Format = process.env.BENCH_FORMAT === "iso2709" ? "iso2709" : "marcxml";
const ISO_PASS = FORMAT === "marcxml" && process.env.BENCH_ISO !== "0";

function peakRssSampler() {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => {
    const m = process.memoryUsage();
    if (m.rss > peak && process.env.BENCH_MEMDEBUG) console.error(JSON.stringify(Object.fromEntries(Object.entries(m).map(([k, v]) => [k, Math.round(v / 2 ** 20)]))));
    peak = Math.max(peak, m.rss);
  }, 250);
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
  /** Of `seconds`, the indexing pass after the harvests. */
  indexingSeconds: number;
  peakRssMiB: number;
  /** CPU seconds the harvesting process (all its threads) and Meilisearch used during the pass. */
  cpuSeconds: number;
  meiliCpuSeconds: number;
  sources: Source[];
}

/** Generates (or reuses) the consortium in `format` and harvests every member into db and index. */
async function harvestPass(format: Format, database: DatabaseHandle, transport: MeiliTransport, uid: string, meiliPid: number): Promise<Pass> {
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
  const rss = peakRssSampler();
  const started = performance.now();
  const cpuBefore = { own: cpuSecondsOf(process.pid), meili: cpuSecondsOf(meiliPid) };
  const sources = await registerDemoMembers(db, demo);
  // The pod's first load: every member harvested, then one indexing pass (harvestSources).
  const bars = sourceProgressBars((source) => `${source.name} ${format}`);
  let indexingStarted = 0;
  const runs = await harvestSources({
    db,
    sources,
    index: writer,
    progressFor: bars.progressFor,
    onRunDone: (source, run) => {
      bars.stop();
      if (run.status === "failed") throw new Error(`${source.name}: ${run.error}`);
    },
    onIndexing: (clusters) => {
      indexingStarted = performance.now();
      console.error(`indexing ${clusters} union records…`);
    },
  });
  await writer.flush();
  const seen = runs.reduce((sum, run) => sum + run.seen, 0);
  const seconds = (performance.now() - started) / 1000;
  const indexingSeconds = (performance.now() - indexingStarted) / 1000;
  const cpuSeconds = cpuSecondsOf(process.pid) - cpuBefore.own;
  const meiliCpuSeconds = cpuSecondsOf(meiliPid) - cpuBefore.meili;
  return { records: seen, seconds, indexingSeconds, peakRssMiB: rss.stop() / 2 ** 20, cpuSeconds, meiliCpuSeconds, sources };
}

type PassFigures = Omit<Pass, "sources">;

/**
 * CPU seconds (user + system) a process has used so far, from /proc (Linux); 0 elsewhere. On a
 * shared machine the CPU a pass used says more than its wall time.
 */
function cpuSecondsOf(pid: number): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, "utf8").replace(/^.*\) /s, "").split(" ");
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime: clock ticks of 1/100 s
  } catch {
    return 0;
  }
}

/** The ISO 2709 pass, in a fresh process of this script (see isoChild), into a fresh db and index. */
async function isoPassInChild(work: string, meiliUrl: string, meiliKey: string | undefined, meiliPid: number): Promise<PassFigures> {
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!], {
    env: { ...process.env, BENCH_ISO_CHILD: "1", BENCH_WORK: work, BENCH_MEILI_URL: meiliUrl, BENCH_MEILI_KEY: meiliKey ?? "", BENCH_MEILI_PID: String(meiliPid) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  if (code !== 0) throw new Error(`ISO 2709 pass exited with ${code}`);
  return JSON.parse(out.trim().split("\n").at(-1)!) as PassFigures;
}

async function isoChild(): Promise<void> {
  const transport = createMeiliTransport({ url: process.env.BENCH_MEILI_URL!, apiKey: process.env.BENCH_MEILI_KEY || undefined });
  const isoDatabase = openBenchDatabase(process.env.BENCH_WORK!, "iso");
  try {
    const pass = await harvestPass("iso2709", isoDatabase, transport, "bench_iso", Number(process.env.BENCH_MEILI_PID));
    const { records, seconds, indexingSeconds, peakRssMiB, cpuSeconds, meiliCpuSeconds } = pass;
    console.log(JSON.stringify({ records, seconds, indexingSeconds, peakRssMiB, cpuSeconds, meiliCpuSeconds } satisfies PassFigures));
  } finally {
    transport.close();
    await dropSchema(isoDatabase).catch(() => undefined);
    await isoDatabase.close();
  }
}

async function main() {
  const work = mkdtempSync(path.join(os.tmpdir(), "interlend-bench-harvest-"));
  const meili = await startManagedMeilisearch({ dataDir: work });
  const transport = createMeiliTransport({ url: meili.url, apiKey: meili.masterKey });
  const database = openBenchDatabase(work, "bench");
  const figures: Record<string, unknown> = {};
  try {
    const pass = await harvestPass(FORMAT, database, transport, "bench_union", meili.pid);
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
      indexingSeconds: Number(pass.indexingSeconds.toFixed(1)),
      recordsPerSec: Math.round(pass.records / pass.seconds),
      peakRssMiB: Math.round(pass.peakRssMiB),
      cpuSeconds: Number(pass.cpuSeconds.toFixed(1)),
      meiliCpuSeconds: Number(pass.meiliCpuSeconds.toFixed(1)),
      meiliAloneSeconds: Number(aloneSeconds.toFixed(1)),
      meiliAloneRecordsPerSec: Math.round(pass.records / aloneSeconds),
      meiliAloneDocsPerSec: Math.round(unionRecords / aloneSeconds),
      incrementalNoChangeSeconds: Number(incrementalNoChangeSeconds.toFixed(2)),
      incrementalChanges: incrementalSeen,
      dialect: database.dialect,
    });

    if (ISO_PASS) {
      const iso = await isoPassInChild(work, meili.url, meili.masterKey, meili.pid);
      Object.assign(figures, {
        isoRecords: iso.records,
        isoSeconds: Number(iso.seconds.toFixed(1)),
        isoRecordsPerSec: Math.round(iso.records / iso.seconds),
        isoPeakRssMiB: Math.round(iso.peakRssMiB),
        isoCpuSeconds: Number(iso.cpuSeconds.toFixed(1)),
        isoMeiliCpuSeconds: Number(iso.meiliCpuSeconds.toFixed(1)),
      });
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

(process.env.BENCH_ISO_CHILD ? isoChild() : main()).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
