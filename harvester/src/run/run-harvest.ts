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
import { applyPage, type PageIndexWork } from "../ingest/apply-page.ts";
import { preparePage } from "../ingest/prepare.ts";
import { isPreparingSource, type PreparedHarvestPage } from "../ingest/prepared-source.ts";
import { drainOutbox } from "../indexer/drain-outbox.ts";
import { DbTurns } from "../indexer/db-turns.ts";
import { PageIndexer } from "../indexer/page-indexer.ts";
import type { UnionIndexWriter } from "../indexer/index-writer.ts";
import type { HoldingsMapping } from "../normalise/holdings.ts";
import type { ReconcilingContext } from "../sources/shared/vanished-records.ts";
import type { Checkpoint, HarvestSource } from "../sources/types.ts";
import { boundHeapGrowth } from "./heap-growth.ts";
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
async function claimResume(db: Kysely<Database>, source: Source, previous: HarvestRun | undefined): Promise<Checkpoint | null> {
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
  boundHeapGrowth();
  const { db, source } = options;
  const previousRun = await lastRun(db, source.id);
  const resumeFrom = await claimResume(db, source, previousRun);
  const mode = options.mode ?? "full";
  const run = await startRun(db, source.id, mode);
  const lastSuccess = await lastRun(db, source.id, "succeeded");
  const mapping = source.holdings_mapping ? (JSON.parse(source.holdings_mapping) as HoldingsMapping) : undefined;
  const library = await db.selectFrom("libraries").select("code").where("id", "=", source.library_id).executeTakeFirst();
  const target = { db, libraryId: source.library_id, sourceId: source.id, runId: run.id, libraryCode: library?.code };
  // Each committed page goes to the index in the background while the next one is read.
  const turns = new DbTurns();
  const indexer = options.index ? new PageIndexer(db, options.index, options.onIndexError, turns) : undefined;
  let counts: RunCounts = { ...ZERO_COUNTS };
  let pages = 0;
  try {
    const adapter = options.adapter ?? createSourceAdapter(source);
    const context: ReconcilingContext = {
      mode,
      resumeFrom,
      lastSuccessAt: lastSuccess?.started_at ?? null,
      signal: options.signal,
      // A full SRU/Z39.50 run withdraws what the target no longer has, never after a rejection
      // (a rejected record was not seen whole). Asked once every page has been committed.
      knownLocalIds: async () =>
        counts.rejected > 0
          ? undefined
          : (await db.selectFrom("bib_records").select("local_id").where("source_id", "=", source.id).execute()).map((r) => r.local_id),
    };
    // A source that prepares its own pages does it off this thread; the others' are prepared here.
    const pagesOf = async function* (): AsyncGenerator<PreparedHarvestPage> {
      if (isPreparingSource(adapter)) {
        // An incremental run may skip what the last run (when it finished well) saw unchanged.
        const previous = previousRun && (previousRun.status === "succeeded" || previousRun.status === "partial") && previousRun.checkpoint ? (JSON.parse(previousRun.checkpoint) as Checkpoint) : null;
        yield* adapter.preparedPages(context, { mapping, previous, fingerprintSalt: source.holdings_mapping ?? "" });
        return;
      }
      for await (const page of adapter.pages(context)) {
        yield { prepared: preparePage(page.records, mapping), checkpoint: page.checkpoint, expectedTotal: page.expectedTotal };
      }
    };
    for await (const page of pagesOf()) {
      const work: PageIndexWork = { documents: [], clusterIds: [], queuedAt: "" };
      const before = counts;
      counts = await turns.run(() => applyPage(target, page.prepared, before, page.checkpoint, indexer && work));
      pages++;
      options.onProgress?.({ runId: run.id, counts, pages, expectedTotal: page.expectedTotal });
      await indexer?.add(work);
    }
    await finishRun(db, run.id, counts.rejected > 0 ? "partial" : "succeeded", counts);
  } catch (error) {
    await finishRun(db, run.id, "failed", counts, (error as Error).message);
  }
  await indexer?.finish();
  // Whatever is still queued (an index error, another source's leftovers) gets one more try.
  await drainQuietly(options);
  return (await db.selectFrom("harvest_runs").selectAll().where("id", "=", run.id).executeTakeFirstOrThrow());
}
