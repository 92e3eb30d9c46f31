import type { Kysely } from "kysely";
import {
  finishRun,
  lastRun,
  startRun,
  ZERO_COUNTS,
  type Database,
  type HarvestRun,
  type RunCounts,
  type Source,
} from "@interlend/db";
import { applyPage } from "../ingest/apply-page.ts";
import { preparePage } from "../ingest/prepare.ts";
import { drainOutbox } from "../indexer/drain-outbox.ts";
import type { UnionIndexWriter } from "../indexer/index-writer.ts";
import type { HoldingsMapping } from "../normalise/holdings.ts";
import type { Checkpoint, HarvestSource } from "../sources/types.ts";
import { createSourceAdapter } from "./source-adapter.ts";

export interface HarvestProgress {
  runId: number;
  counts: RunCounts;
  pages: number;
  expectedTotal?: number;
}

export interface RunHarvestOptions {
  db: Kysely<Database>;
  source: Source;
  /** Where union documents go; without one the outbox keeps the work for later. */
  index?: UnionIndexWriter;
  mode?: "full" | "incremental";
  adapter?: HarvestSource;
  onProgress?: (progress: HarvestProgress) => void;
  onIndexError?: (error: Error) => void;
  signal?: AbortSignal;
}

/** A run whose process died (no heartbeat for this long) is resumed, not waited for. */
const STALE_RUN_MS = 60_000;

export class HarvestAlreadyRunningError extends Error {}

/**
 * The checkpoint to continue from: that of the last run when it did not finish (its process died,
 * or it failed part-way). A run still heartbeating elsewhere is left alone.
 */
async function claimResume(db: Kysely<Database>, source: Source): Promise<Checkpoint | null> {
  const previous = await lastRun(db, source.id);
  if (!previous || previous.status === "succeeded" || previous.status === "partial") return null;
  if (previous.status === "running") {
    const heartbeat = Date.parse(previous.heartbeat_at ?? previous.started_at);
    if (Date.now() - heartbeat < STALE_RUN_MS) {
      throw new HarvestAlreadyRunningError(`source ${source.name} is already being harvested (run ${previous.id})`);
    }
    await finishRun(db, previous.id, "failed", previous, "interrupted: the harvesting process stopped; resumed by a later run");
  }
  return previous.checkpoint ? (JSON.parse(previous.checkpoint) as Checkpoint) : null;
}

async function drainQuietly(options: RunHarvestOptions): Promise<void> {
  if (!options.index) return;
  try {
    await drainOutbox(options.db, options.index);
  } catch (error) {
    // The outbox keeps the clusters; the index catches up on the next drain.
    options.onIndexError?.(error as Error);
  }
}

/** Harvests one source into the db (and index), page by page, resuming an interrupted run. */
export async function runHarvest(options: RunHarvestOptions): Promise<HarvestRun> {
  const { db, source } = options;
  const resumeFrom = await claimResume(db, source);
  const mode = options.mode ?? "full";
  const run = await startRun(db, source.id, mode);
  const lastSuccess = await lastRun(db, source.id, "succeeded");
  const mapping = source.holdings_mapping ? (JSON.parse(source.holdings_mapping) as HoldingsMapping) : undefined;
  let counts: RunCounts = { ...ZERO_COUNTS };
  let pages = 0;
  try {
    const adapter = options.adapter ?? createSourceAdapter(source);
    const context = { mode, resumeFrom, lastSuccessAt: lastSuccess?.started_at ?? null, signal: options.signal };
    for await (const page of adapter.pages(context)) {
      counts = await applyPage(
        { db, libraryId: source.library_id, sourceId: source.id, runId: run.id },
        preparePage(page.records, mapping),
        counts,
        page.checkpoint,
      );
      pages++;
      options.onProgress?.({ runId: run.id, counts, pages, expectedTotal: page.expectedTotal });
      await drainQuietly(options);
    }
    await finishRun(db, run.id, counts.rejected > 0 ? "partial" : "succeeded", counts);
  } catch (error) {
    await finishRun(db, run.id, "failed", counts, (error as Error).message);
  }
  await drainQuietly(options);
  return (await db.selectFrom("harvest_runs").selectAll().where("id", "=", run.id).executeTakeFirstOrThrow());
}
