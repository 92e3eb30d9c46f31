/** Helpers for the source tests: run a harvest to the end and look at what it gave. */
import { controlValue, type MarcRecord } from "../../marc/record.ts";
import type { HarvestContext, HarvestPage, HarvestSource } from "../types.ts";

/** Every page of a harvest (a full one from the start unless `context` says otherwise). */
export async function harvestPages(source: HarvestSource, context: Partial<HarvestContext> = {}): Promise<HarvestPage[]> {
  const pages: HarvestPage[] = [];
  for await (const page of source.pages({ mode: "full", resumeFrom: null, lastSuccessAt: null, ...context }))
    pages.push(page);
  return pages;
}

/** The records the pages upsert, in order. */
export const upserts = (pages: HarvestPage[]): MarcRecord[] =>
  pages.flatMap((p) => p.records).flatMap((r) => (r.kind === "upsert" ? [r.record] : []));

/** Each record's 001, "?" where it has none. */
export const ids = (records: MarcRecord[]): string[] => records.map((r) => controlValue(r, "001") ?? "?");

/** The 001s of the peers' test records number `from` to `to`: peer0001, peer0002, … */
export const peerIds = (from: number, to: number): string[] =>
  Array.from({ length: to - from + 1 }, (_, i) => `peer${String(from + i).padStart(4, "0")}`);
