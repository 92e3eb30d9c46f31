import type { Kysely } from "kysely";
import type { Database, HarvestRun, Source } from "@interlend/db";
import { drainOutbox } from "../indexer/drain-outbox.ts";
import type { UnionIndexWriter } from "../indexer/index-writer.ts";
import { runHarvest, type RunHarvestOptions } from "./run-harvest.ts";

export interface HarvestSourcesOptions {
  db: Kysely<Database>;
  sources: readonly Source[];
  index: UnionIndexWriter;
  mode?: RunHarvestOptions["mode"];
  /** Progress of one source's run (a bar per source, say). */
  progressFor?: (source: Source) => RunHarvestOptions["onProgress"];
  onRunDone?: (source: Source, run: HarvestRun) => void;
  /** Called with the number of clusters waiting, before they are indexed. */
  onIndexing?: (clusters: number) => void;
}

/**
 * Harvests several sources one after another into the db, then indexes what they changed in one
 * go: a work that several members hold goes to Meilisearch once instead of once per member, in a
 * few large batches (each batch costs more the larger the index). For loading a pod or several
 * members at once; a single run, scheduled or "harvest now", indexes in the background as it goes.
 * The documents are sent, not yet indexed: a Meilisearch writer's flush() waits for that. Until they
 * are sent the changes wait in the index outbox, as they do whenever
 * Meilisearch is away, so a crash loses nothing: the next drain sends them.
 */
export async function harvestSources(options: HarvestSourcesOptions): Promise<HarvestRun[]> {
  const runs: HarvestRun[] = [];
  for (const source of options.sources) {
    const run = await runHarvest({ db: options.db, source, mode: options.mode, onProgress: options.progressFor?.(source) });
    options.onRunDone?.(source, run);
    runs.push(run);
  }
  const waiting = await options.db
    .selectFrom("index_outbox")
    .select((eb) => eb.fn.countAll<number>().as("n"))
    .executeTakeFirstOrThrow();
  options.onIndexing?.(Number(waiting.n));
  await drainOutbox(options.db, options.index, { batchSize: 5_000 });
  return runs;
}
