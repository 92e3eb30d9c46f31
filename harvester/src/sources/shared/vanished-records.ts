import { localIdOf } from "../../normalise/bib.ts";
import type { HarvestContext, HarvestPage, HarvestRecord } from "../types.ts";

/**
 * What the run offers a full harvest so that records which left the target can be withdrawn.
 * Called once, after the run has committed every page the source read.
 */
export interface KnownLocalIds {
  /**
   * The local ids of the source's records in the union catalogue now; undefined when the run must
   * not withdraw anything (it rejected records, so it did not see every record whole).
   */
  knownLocalIds(): Promise<Iterable<string> | undefined>;
}

/** The harvest context of a source that can find vanished records (the run may leave it out). */
export type ReconcilingContext = HarvestContext & Partial<KnownLocalIds>;

/**
 * The pages of a full harvest of a source without deletion reporting (SRU, Z39.50), followed at
 * their clean end by one more page: a delete for every record the catalogue holds from this
 * source that the target no longer has. Those deletes go the way of any deleted record (one
 * transaction with the last checkpoint), so the member's record and copies leave the catalogue.
 *
 * Nothing is withdrawn unless the run can know it saw everything: a full run from the start (not
 * resumed, not incremental) whose pages all came without error, rejected nothing, and read exactly
 * the number of records the target reported on every page (offset paging skips records when the
 * result set changes during the harvest). A run that saw no record at all withdraws nothing
 * either: an empty answer is more likely a fault than a member that deleted everything. `warn`
 * hears why a run that could have withdrawn records did not.
 */
export async function* withVanishedRecords(
  pages: AsyncIterable<HarvestPage>,
  context: ReconcilingContext,
  warn: (message: string) => void,
): AsyncGenerator<HarvestPage> {
  const fromStart = context.mode === "full" && !context.resumeFrom;
  if (!fromStart || !context.knownLocalIds) return yield* pages;
  const seen = new SeenRecords();
  for await (const page of pages) {
    seen.observe(page);
    yield page;
  }
  const unsure = seen.whyUnsure();
  if (unsure) return warn(`no records withdrawn: ${unsure}`);
  const known = await context.knownLocalIds();
  if (known) {
    const final = seen.deletesFor(known);
    if (final) yield final;
  }
}

/** What a full harvest has read so far. */
class SeenRecords {
  private readonly localIds = new Set<string>();
  private readonly totals = new Set<number | undefined>();
  private read = 0;
  private rejected = false;
  private last: HarvestPage | undefined;

  observe(page: HarvestPage): void {
    this.last = page;
    this.totals.add(page.expectedTotal);
    this.read += page.records.length;
    for (const record of page.records) {
      const localId = seenLocalId(record);
      if (localId === undefined) this.rejected = true;
      else this.localIds.add(localId);
    }
  }

  /** Why the records read may not be all the target has, if they may not. */
  whyUnsure(): string | undefined {
    if (this.rejected) return "the run rejected records, so it did not see every record whole";
    if (this.totals.size !== 1) return "the number of records at the target changed during the harvest";
    const [total] = this.totals;
    if (total !== this.read) return `the target reported ${String(total)} records but ${this.read} were read`;
    if (this.read === 0) return "the target returned no records at all";
    return undefined;
  }

  /** A page deleting the `known` ids that were not read, after the last page; none if all were. */
  deletesFor(known: Iterable<string>): HarvestPage | undefined {
    const records: HarvestRecord[] = [];
    for (const localId of known) {
      if (!this.localIds.has(localId))
        records.push({ kind: "delete", position: this.read + records.length, localId });
    }
    if (records.length === 0 || !this.last) return undefined;
    return { records, checkpoint: { ...this.last.checkpoint }, expectedTotal: this.last.expectedTotal };
  }
}

/** The local id a record stands for (as ingest computes it); undefined for a rejection. */
function seenLocalId(record: HarvestRecord): string | undefined {
  switch (record.kind) {
    case "upsert":
      return localIdOf(record.record);
    case "delete":
      return record.localId;
    case "rejected":
      return undefined;
  }
}
