import type { Kysely, Transaction } from "kysely";
import type { Database, HarvestRun, RunStatus } from "./schema.ts";
import { nowIso } from "./time.ts";

export interface RunCounts {
  seen: number;
  added: number;
  updated: number;
  deleted: number;
  rejected: number;
}

export const ZERO_COUNTS: RunCounts = { seen: 0, added: 0, updated: 0, deleted: 0, rejected: 0 };

type Db = Kysely<Database> | Transaction<Database>;

export async function startRun(db: Db, sourceId: number, mode: "full" | "incremental"): Promise<HarvestRun> {
  const now = nowIso();
  return db
    .insertInto("harvest_runs")
    .values({ source_id: sourceId, status: "running", mode, started_at: now, heartbeat_at: now })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Saves counts and checkpoint; called in the same transaction as the page of records it covers. */
export async function recordRunProgress(
  db: Db,
  runId: number,
  counts: RunCounts,
  checkpoint: unknown,
): Promise<void> {
  await db
    .updateTable("harvest_runs")
    .set({ ...counts, checkpoint: JSON.stringify(checkpoint), heartbeat_at: nowIso() })
    .where("id", "=", runId)
    .execute();
}

export async function finishRun(
  db: Db,
  runId: number,
  status: Exclude<RunStatus, "running">,
  counts: RunCounts,
  error?: string,
): Promise<void> {
  await db
    .updateTable("harvest_runs")
    .set({ ...counts, status, error: error ?? null, finished_at: nowIso() })
    .where("id", "=", runId)
    .execute();
}

export async function recordRejected(
  db: Db,
  runId: number,
  rejected: Array<{ position: number; localId?: string; reason: string; raw?: string }>,
): Promise<void> {
  if (rejected.length === 0) return;
  const now = nowIso();
  await db
    .insertInto("rejected_records")
    .values(
      rejected.map((r) => ({
        run_id: runId,
        position: r.position,
        local_id: r.localId ?? null,
        reason: r.reason,
        raw: r.raw === undefined ? null : r.raw.slice(0, 10_000),
        created_at: now,
      })),
    )
    .execute();
}

export async function listRuns(db: Db, options: { sourceId?: number; limit?: number } = {}): Promise<HarvestRun[]> {
  let query = db.selectFrom("harvest_runs").selectAll();
  if (options.sourceId !== undefined) query = query.where("source_id", "=", options.sourceId);
  return query
    .orderBy("id", "desc")
    .limit(options.limit ?? 50)
    .execute();
}

export async function lastRun(db: Db, sourceId: number, status?: RunStatus): Promise<HarvestRun | undefined> {
  let query = db.selectFrom("harvest_runs").selectAll().where("source_id", "=", sourceId);
  if (status) query = query.where("status", "=", status);
  return query.orderBy("id", "desc").limit(1).executeTakeFirst();
}

export async function findRun(db: Db, id: number): Promise<HarvestRun | undefined> {
  return db.selectFrom("harvest_runs").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function listRejected(db: Db, runId: number, options: { limit?: number; offset?: number } = {}) {
  return db
    .selectFrom("rejected_records")
    .select(["id", "position", "local_id", "reason", "raw", "created_at"])
    .where("run_id", "=", runId)
    .orderBy("position")
    .limit(options.limit ?? 100)
    .offset(options.offset ?? 0)
    .execute();
}
