import type { MarcRecord } from "../marc/record.ts";

/** One unit of change a source reports. */
export type HarvestRecord =
  | { kind: "upsert"; position: number; record: MarcRecord; datestamp?: string }
  | { kind: "delete"; position: number; localId: string; datestamp?: string }
  | { kind: "rejected"; position: number; reason: string; localId?: string; raw?: string };

/** Where to resume; opaque to everything but the source that wrote it. */
export type Checkpoint = Record<string, unknown>;

/** Records committed together with the checkpoint that follows them. */
export interface HarvestPage {
  records: HarvestRecord[];
  checkpoint: Checkpoint;
  /** Total records expected in the whole run, when the source knows (for progress/ETA). */
  expectedTotal?: number;
}

export interface HarvestContext {
  mode: "full" | "incremental";
  /** Checkpoint of an interrupted run to resume, if any. */
  resumeFrom: Checkpoint | null;
  /** Start of the last successful run (ISO), for incremental harvests. */
  lastSuccessAt: string | null;
  signal?: AbortSignal;
}

/** Every protocol adapter implements this one contract. */
export interface HarvestSource {
  pages(context: HarvestContext): AsyncIterable<HarvestPage>;
}
