import type { HarvestContext, HarvestPage, HarvestRecord, HarvestSource } from "../types.ts";
import { readOaiCheckpoint, type OaiCheckpoint } from "./checkpoint.ts";
import { OaiClient, type ListRequest, type OaiClientOptions, type OaiLogger } from "./client.ts";
import { laterDatestamp, toGranularity } from "./datestamp.ts";
import { OaiError } from "./errors.ts";
import { toHarvestRecord } from "./record-mapper.ts";

export interface OaiPmhSourceOptions extends Omit<OaiClientOptions, "signal" | "logger"> {
  /** "marcxml" (default), "marc21" or "oai_dc" (mapped to a minimal MARC record). */
  metadataPrefix?: string;
  set?: string | null;
  logger?: OaiLogger;
  /** Times a list is restarted from its `from` after badResumptionToken before the run fails. */
  maxRestarts?: number;
  /** Pages in a row without records (tokens changing) before the list is taken as ended. */
  maxEmptyPages?: number;
}

/**
 * Harvests an OAI-PMH repository with ListRecords: one HarvestPage per response page, its
 * checkpoint (OaiCheckpoint) committed with its records.
 *
 * - full: the whole list; incremental: `from` = the last successful run's start in the
 *   repository's granularity (Identify), rounded down; no `until`.
 * - resume: continues with the saved resumptionToken; badResumptionToken restarts the list with
 *   the checkpoint's `from` (a few times at most).
 * - a resumptionToken seen before, or too many empty pages, ends the list with a warning.
 * - local ids are OAI identifiers (see withOaiIdentifier).
 * - an aborted signal throws (the run fails and resumes from its last checkpoint).
 */
export class OaiPmhSource implements HarvestSource {
  private readonly metadataPrefix: string;
  private readonly set: string | null;
  private readonly logger: OaiLogger;

  constructor(private readonly options: OaiPmhSourceOptions) {
    this.metadataPrefix = options.metadataPrefix ?? "marcxml";
    this.set = options.set ?? null;
    this.logger = options.logger ?? {
      warn: (message) => console.warn(`[oai ${options.baseUrl}] ${message}`),
    };
  }

  async *pages(context: HarvestContext): AsyncIterable<HarvestPage> {
    const client = new OaiClient({ ...this.options, signal: context.signal, logger: this.logger });
    try {
      yield* this.harvest(client, context);
    } finally {
      client.close();
    }
  }

  private async *harvest(client: OaiClient, context: HarvestContext): AsyncGenerator<HarvestPage> {
    const resumed = readOaiCheckpoint(context.resumeFrom, this.metadataPrefix, this.set);
    if (context.resumeFrom && !resumed)
      this.logger.warn("saved checkpoint is not for this prefix/set; starting over");
    if (resumed && !resumed.resumptionToken) return; // that list was complete
    let state: OaiCheckpoint = resumed ?? {
      set: this.set,
      metadataPrefix: this.metadataPrefix,
      from: await this.incrementalFrom(client, context),
      until: null,
      resumptionToken: null,
      highestDatestamp: null,
      responseDate: null,
      recordsSeen: 0,
    };
    const seenTokens = new Set<string>();
    let restarts = 0;
    let emptyPages = 0;
    for (;;) {
      context.signal?.throwIfAborted();
      const token = state.resumptionToken;
      if (token) seenTokens.add(token);
      let highest = state.highestDatestamp;
      const first = state.recordsSeen;
      let page;
      try {
        page = await client.listRecordsPage(this.request(state), (record, index): HarvestRecord => {
          highest = laterDatestamp(highest, record.header.datestamp);
          return toHarvestRecord(record, first + index);
        });
      } catch (error) {
        if (!(error instanceof OaiError && error.code === "badResumptionToken" && token)) throw error;
        if (restarts++ >= (this.options.maxRestarts ?? 3)) throw error;
        this.logger.warn(`badResumptionToken; restarting the list from ${state.from ?? "the beginning"}`);
        state = { ...state, resumptionToken: null };
        seenTokens.clear();
        continue;
      }
      let next = page.token?.value || null;
      emptyPages = page.items.length === 0 ? emptyPages + 1 : 0;
      if (next && seenTokens.has(next)) {
        this.logger.warn(`resumptionToken ${JSON.stringify(next)} was already used; ending the list`);
        next = null;
      } else if (next && emptyPages >= (this.options.maxEmptyPages ?? 50)) {
        this.logger.warn(`${emptyPages} pages in a row without records; ending the list`);
        next = null;
      }
      state = {
        ...state,
        resumptionToken: next,
        highestDatestamp: highest,
        responseDate: page.responseDate ?? state.responseDate,
        recordsSeen: first + page.items.length,
      };
      yield { records: page.items, checkpoint: { ...state }, expectedTotal: page.token?.completeListSize };
      if (!next) return;
    }
  }

  private request(state: OaiCheckpoint): ListRequest {
    if (state.resumptionToken) return { resumptionToken: state.resumptionToken };
    return { metadataPrefix: state.metadataPrefix, set: state.set, from: state.from, until: state.until };
  }

  private async incrementalFrom(client: OaiClient, context: HarvestContext): Promise<string | null> {
    if (context.mode !== "incremental" || !context.lastSuccessAt) return null;
    const { granularity } = await client.identify();
    return toGranularity(context.lastSuccessAt, granularity);
  }
}
