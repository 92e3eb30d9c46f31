import type { PreparedHarvestPage } from "../../ingest/prepared-source.ts";
import type { HoldingsMapping } from "../../normalise/holdings.ts";
import type { FilePagesOptions } from "./file-pages.ts";

export interface FileWorkerData {
  options: Omit<FilePagesOptions, "aborted">;
  mapping?: HoldingsMapping;
  /** Pages the worker may prepare before the harvest takes one. */
  pagesAhead: number;
}

export type FromFileWorker =
  | { type: "page"; page: PreparedHarvestPage }
  | { type: "done" }
  | { type: "error"; message: string };

export type ToFileWorker = { type: "taken" };
