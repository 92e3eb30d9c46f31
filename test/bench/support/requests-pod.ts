/**
 * The requests bench's pods, built once and kept between runs: a SQLite file under
 * data/bench/requests-pod-<records>-<past>-<patrons>/ (records harvested through the real file
 * source, patrons, past requests with their events) and a PostgreSQL schema copied from it table
 * by table (the same schema, ids and rows; see copy-to-postgres.ts). A `bench_ready` table holds
 * the last past request's id: each run first deletes what earlier runs placed after it, so every
 * run starts from the same pod.
 */
import { existsSync, mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import { sql, type Kysely } from "kysely";
import pg from "pg";
import {
  createPatron,
  createSession,
  createSource,
  ensureLibrary,
  migrateToLatest,
  openDatabase,
  recountLenderDailySends,
  updatePodSettings,
  type Database,
  type DatabaseHandle,
} from "@interlend/db";
import { REPO_ROOT } from "@interlend/core";
import { runHarvest } from "@interlend/harvester/run/run-harvest";
import { SESSION_COOKIE } from "@interlend/search-api/auth/options";
import { writeDemoConsortium } from "../../generator/write-files.ts";
import { Random } from "../../generator/prng.ts";
import { copySqliteToPostgres } from "./copy-to-postgres.ts";

const DAY = 86_400_000;

export interface RequestsPodSpec {
  records: number;
  pastRequests: number;
  patrons: number;
}

export interface BenchPatron {
  id: number;
  libraryId: number;
  headers: Record<string, string>;
}

export interface RequestsPod {
  handle: DatabaseHandle;
  /** What the API child process needs to open the same pod. */
  env: Record<string, string>;
  patrons: BenchPatron[];
  close(): Promise<void>;
}

type Log = (line: string) => void;

function podName(spec: RequestsPodSpec): string {
  return `requests-pod-${spec.records}-${spec.pastRequests}-${spec.patrons}`;
}

async function readyBaseline(db: Kysely<Database>): Promise<number | undefined> {
  try {
    const { rows } = await sql<{ baseline_request_id: number }>`select baseline_request_id from bench_ready`.execute(db);
    return rows[0] ? Number(rows[0].baseline_request_id) : undefined;
  } catch {
    return undefined; // no such table: the pod was never finished
  }
}

async function insertPastRequests(db: Kysely<Database>, count: number, libraryIds: number[], patrons: Array<{ id: number; libraryId: number }>, clusterIds: number[], random: Random) {
  const now = Date.now();
  const CHUNK = 400;
  for (let start = 0; start < count; start += CHUNK) {
    const rows = [];
    const timeline: Array<{ sentAt: number; lender: number; filled: boolean; shippedAt: number }> = [];
    for (let i = start; i < Math.min(count, start + CHUNK); i++) {
      const patron = random.pick(patrons);
      const lender = random.pick(libraryIds.filter((l) => l !== patron.libraryId));
      const sentAt = now - random.int(1, 89) * DAY - random.int(0, DAY - 1);
      const filled = random.next() < 0.85;
      const shippedAt = sentAt + random.int(2, 96) * 3_600_000;
      timeline.push({ sentAt, lender, filled, shippedAt });
      rows.push({
        patron_id: patron.id,
        borrower_library_id: patron.libraryId,
        cluster_id: random.pick(clusterIds),
        pickup_location: null,
        service_type: "loan" as const,
        state: filled ? "completed" : "not_supplied",
        rota: "[]",
        rota_position: 0,
        lender_library_id: lender,
        idempotency_key: null,
        due_date: null,
        created_at: new Date(sentAt).toISOString(),
        updated_at: new Date(shippedAt + 20 * DAY).toISOString(),
      });
    }
    const inserted = await db.insertInto("requests").values(rows).returning("id").execute();
    const events = inserted.flatMap(({ id }, n) => {
      const t = timeline[n]!;
      const iso = (ms: number) => new Date(ms).toISOString();
      const base = { request_id: id, lender_library_id: t.lender, reason: null };
      const head = [
        { ...base, at: iso(t.sentAt), actor: "patron:0", from_state: null, to_state: "submitted", lender_library_id: null },
        { ...base, at: iso(t.sentAt), actor: "system", from_state: "submitted", to_state: "sent" },
      ];
      if (!t.filled) {
        return [...head, { ...base, at: iso(t.shippedAt), actor: "staff:0", from_state: "sent", to_state: "unfilled", reason: "not_on_shelf" }, { ...base, at: iso(t.shippedAt), actor: "system", from_state: "unfilled", to_state: "not_supplied", lender_library_id: null, reason: "rota exhausted" }];
      }
      return [
        ...head,
        { ...base, at: iso(t.shippedAt), actor: "staff:0", from_state: "sent", to_state: "shipped" },
        { ...base, at: iso(t.shippedAt + 2 * DAY), actor: "staff:0", from_state: "shipped", to_state: "received" },
        { ...base, at: iso(t.shippedAt + 16 * DAY), actor: "staff:0", from_state: "received", to_state: "returned" },
        { ...base, at: iso(t.shippedAt + 20 * DAY), actor: "staff:0", from_state: "returned", to_state: "completed" },
      ];
    });
    await db.insertInto("request_events").values(events).execute();
  }
}

/** Harvests the generated members, adds patrons and past requests, and marks the pod ready. */
async function buildSqlitePod(db: Kysely<Database>, spec: RequestsPodSpec, log: Log): Promise<void> {
  const files = await writeDemoConsortium({ records: spec.records, outDir: path.join(REPO_ROOT, "data", "bench", `requests-${spec.records}`), format: "iso2709", seed: 1 });
  const started = Date.now();
  const libraryIds: number[] = [];
  for (const member of files.libraries) {
    const library = await ensureLibrary(db, { code: member.code, name: member.name, timezone: member.timezone, contactEmail: `ill@${member.code.toLowerCase()}.test` });
    libraryIds.push(library.id);
    const source = await createSource(db, { libraryId: library.id, name: member.code, protocol: "file", endpoint: files.files[member.code]! });
    const run = await runHarvest({ db, source });
    if (run.error) throw new Error(`harvest ${member.code}: ${run.error}`);
    log(`sqlite pod: ${member.code} harvested (${Math.round((Date.now() - started) / 1000)} s)`);
  }
  const patrons: Array<{ id: number; libraryId: number }> = [];
  for (let i = 0; i < spec.patrons; i++) {
    const libraryId = libraryIds[i % libraryIds.length]!;
    const row = await createPatron(db, { libraryId, cardNumber: `B${i}`, name: `Bench reader ${i}`, email: `reader${i}@bench.test` }, "!");
    patrons.push({ id: row.id, libraryId });
  }
  const clusters = await db.selectFrom("clusters").select("id").execute();
  await insertPastRequests(db, spec.pastRequests, libraryIds, patrons, clusters.map((c) => c.id), new Random(11));
  // Limits raised for the run, or the bench would only measure refusals.
  await updatePodSettings(db, { requestLimits: { perPatron: 10_000, perMemberDaily: 1_000_000 } });
  const last = await db.selectFrom("requests").select((eb) => eb.fn.max("id").as("id")).executeTakeFirstOrThrow();
  await sql`create table bench_ready (baseline_request_id integer not null)`.execute(db);
  await sql`insert into bench_ready values (${Number(last.id ?? 0)})`.execute(db);
  log(`sqlite pod: ${spec.records} records, ${spec.patrons} patrons, ${spec.pastRequests} past requests in ${Math.round((Date.now() - started) / 1000)} s`);
}

/**
 * A working pod always has requests in flight, and the planner must see them: the newest 2% of the
 * history are still open (one in four with its lender, the rest on loan). Idempotent.
 */
async function keepNewestHistoryOpen(db: Kysely<Database>, baseline: number): Promise<void> {
  const from = baseline - Math.max(4, Math.round(baseline * 0.02));
  const newest = db.updateTable("requests").where("id", ">", from).where("id", "<=", baseline).where("state", "in", ["completed", "not_supplied"]);
  await newest.set({ state: "sent" }).where(sql<boolean>`id % 4 = 0`).execute();
  await newest.set({ state: "received", due_date: "2099-12-31" }).execute();
}

/**
 * Back to the pod as built: requests placed by earlier runs (after the baseline), their events and
 * notices, and old sessions go; each patron gets a fresh session. Then planner statistics, as a
 * nightly ANALYZE would have left them.
 */
async function resetPod(db: Kysely<Database>, baseline: number): Promise<BenchPatron[]> {
  await db.transaction().execute(async (trx) => {
    await sql`delete from notification_outbox`.execute(trx);
    await trx.deleteFrom("request_events").where("request_id", ">", baseline).execute();
    await trx.deleteFrom("requests").where("id", ">", baseline).execute();
    await trx.deleteFrom("sessions").execute();
    await recountLenderDailySends(trx);
    await keepNewestHistoryOpen(trx, baseline);
  });
  const rows = await db.selectFrom("patrons").select(["id", "library_id"]).orderBy("id").execute();
  const patrons: BenchPatron[] = [];
  for (const row of rows) {
    const session = await createSession(db, { patronId: row.id, role: "patron" }, { idleTtlMs: 7 * DAY, absoluteTtlMs: 7 * DAY });
    patrons.push({ id: row.id, libraryId: row.library_id, headers: { cookie: `${SESSION_COOKIE}=${session.token}`, "x-csrf-token": session.csrfToken } });
  }
  await sql`analyze`.execute(db);
  return patrons;
}

/** The SQLite pod, built on the first run (harvest and all), reset on later ones. */
export async function openSqlitePod(spec: RequestsPodSpec, log: Log): Promise<RequestsPod & { file: string }> {
  const dir = path.join(REPO_ROOT, "data", "bench", podName(spec));
  const file = path.join(dir, "pod.sqlite");
  mkdirSync(dir, { recursive: true });
  let handle = openDatabase({ sqlitePath: file });
  let baseline = await readyBaseline(handle.db);
  if (baseline === undefined) {
    await handle.close();
    for (const suffix of ["", "-wal", "-shm"]) if (existsSync(file + suffix)) rmSync(file + suffix);
    log(`sqlite pod: building ${dir} (once; later runs reuse it)…`);
    handle = openDatabase({ sqlitePath: file });
    await migrateToLatest(handle);
    await buildSqlitePod(handle.db, spec, log);
    baseline = (await readyBaseline(handle.db))!;
  }
  await migrateToLatest(handle);
  const patrons = await resetPod(handle.db, baseline);
  return { handle, file, env: { SQLITE_PATH: file, DATABASE_URL: "" }, patrons, close: () => handle.close() };
}

/** The PostgreSQL pod: schema `bench_requests_pod_…`, copied from the SQLite pod when missing (a cut-short copy resumes), reset on every run. */
export async function openPostgresPod(spec: RequestsPodSpec, url: string, sqliteFile: string, log: Log): Promise<RequestsPod> {
  const schema = `bench_${podName(spec).replaceAll("-", "_")}`;
  let handle = openDatabase({ databaseUrl: url, pgSchema: schema, poolSize: 16 });
  let baseline = await readyBaseline(handle.db);
  if (baseline === undefined) {
    await handle.close();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`create schema if not exists ${schema}`);
    await admin.end();
    handle = openDatabase({ databaseUrl: url, pgSchema: schema, poolSize: 16 });
    await migrateToLatest(handle);
    log(`postgres pod: copying ${sqliteFile} into schema ${schema} (once; later runs reuse it)…`);
    const started = Date.now();
    await copySqliteToPostgres(sqliteFile, url, schema, log);
    log(`postgres pod: copied in ${Math.round((Date.now() - started) / 1000)} s`);
    baseline = await readyBaseline(handle.db);
    if (baseline === undefined) throw new Error("postgres pod: the copy has no bench_ready row");
  }
  await migrateToLatest(handle);
  const patrons = await resetPod(handle.db, baseline);
  return { handle, env: { DATABASE_URL: url, PG_SCHEMA: schema, SQLITE_PATH: "" }, patrons, close: () => handle.close() };
}

/**
 * Per member: union records it may ask for (not on its own shelf, lendable as a loan on some other
 * member's shelf). The same ids hold in the PostgreSQL copy.
 */
export async function askableTitles(db: Kysely<Database>): Promise<Map<number, number[]>> {
  const rows = await db
    .selectFrom("items as i")
    .innerJoin("bib_records as b", "b.id", "i.bib_id")
    .select(["b.cluster_id", "b.library_id", "i.loan_type"])
    .where("b.cluster_id", "is not", null)
    .where("i.status", "=", "available")
    .where("i.lendable", "=", 1)
    .execute();
  const shelf = new Map<number, { own: Set<number>; lendable: Set<number> }>();
  for (const h of rows) {
    let entry = shelf.get(h.cluster_id!);
    if (!entry) shelf.set(h.cluster_id!, (entry = { own: new Set(), lendable: new Set() }));
    entry.own.add(h.library_id);
    if (h.loan_type === "returnable") entry.lendable.add(h.library_id);
  }
  const libraries = await db.selectFrom("libraries").select("id").execute();
  const askable = new Map<number, number[]>(libraries.map((l) => [l.id, []]));
  for (const [clusterId, entry] of shelf) {
    for (const [member, list] of askable) {
      if (entry.own.has(member)) continue;
      for (const lender of entry.lendable) {
        if (lender !== member) {
          list.push(clusterId);
          break;
        }
      }
    }
  }
  return askable;
}
