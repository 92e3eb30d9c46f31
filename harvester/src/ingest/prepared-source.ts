import type { HoldingsMapping } from "../normalise/holdings.ts";
import type { Checkpoint, HarvestContext, HarvestSource } from "../sources/types.ts";
import type { PreparedPage } from "./prepare.ts";

/** A page whose records are already normalised, keyed and hashed (preparePage). */
export interface PreparedHarvestPage {
  prepared: PreparedPage;
  checkpoint: Checkpoint;
  expectedTotal?: number;
}

export interface PrepareOptions {
  mapping?: HoldingsMapping;
  /** Checkpoint of the source's last run when it succeeded, for incremental runs. */
  previous?: Checkpoint | null;
  /** The source's holdings mapping as stored: a change of it must be seen as a change. */
  fingerprintSalt?: string;
}

/**
 * A source that can do the CPU part of ingest itself (file sources do it in a worker thread, so
 * it runs on another core while the harvest writes the previous page).
 */
export interface PreparingSource extends HarvestSource {
  preparedPages(context: HarvestContext, options: PrepareOptions): AsyncIterable<PreparedHarvestPage>;
}

export function isPreparingSource(source: HarvestSource): source is PreparingSource {
  return typeof (source as Partial<PreparingSource>).preparedPages === "function";
}
