import { marcHarvestRecord } from "../shared/harvest-record.ts";
import { incrementalFromDate } from "../shared/incremental.ts";
import { withRetry, type RetryPolicy } from "../shared/retry.ts";
import { withVanishedRecords, type ReconcilingContext } from "../shared/vanished-records.ts";
import type { Checkpoint, HarvestContext, HarvestPage, HarvestSource } from "../types.ts";
import { Z3950DiagnosticError, Z3950Error } from "./errors.ts";
import { toParsedRecord } from "./records.ts";
import { assertSingleLine, describeTarget, runZoomsh, validateTarget, type Z3950Target } from "./zoomsh.ts";
import { parseZoomshOutput } from "./zoomsh-output.ts";

export type Z3950RecordSyntax = "usmarc" | "xml" | "opac";

export interface Z3950SourceOptions extends Z3950Target {
  /** PQF for a full harvest (default: all records, `@attr 1=_ALLRECORDS @attr 2=103 ""`). */
  query?: string;
  /**
   * "usmarc" (ISO 2709, default), "xml" (MARCXML) or "opac" (MARC + holdings/circulation; the
   * holdings become 852 fields when the record carries no item fields itself).
   */
  recordSyntax?: Z3950RecordSyntax;
  /** Element set name, e.g. "F" or "marcxml"; the target's default when absent. */
  elementSetName?: string;
  /** Records per `show` (default 100). */
  pageSize?: number;
  /**
   * PQF restricting an incremental run, ANDed with `query`; `{from}` becomes YYYYMMDD (appended
   * when absent). Zebra/Koha: `@attr 1=1012 @attr 2=4 {from}` (last modified on or after).
   * Without it an incremental run is a full one.
   */
  incrementalQuery?: string;
  /** Kill zoomsh after this long per page (default 120 s). */
  timeoutMs?: number;
  retry?: RetryPolicy;
  zoomshPath?: string;
  logger?: { warn(message: string): void };
}

/** Where an interrupted Z39.50 harvest resumes: the same query from this 0-based offset. */
export interface Z3950Checkpoint extends Checkpoint {
  query: string;
  next: number;
}

export const ALL_RECORDS_PQF = '@attr 1=_ALLRECORDS @attr 2=103 ""';

/**
 * Bib-1 diagnostics meaning "this target cannot search that way" (unsupported use, relation,
 * structure, truncation attributes or their combination): an incremental query falls back to a
 * full harvest on them.
 */
const UNSUPPORTED_SEARCH = new Set([113, 114, 115, 116, 117, 118, 119, 120, 121, 122, 123, 124]);

/**
 * Harvests a Z39.50 target through YAZ's zoomsh (see zoomsh.ts for why a subprocess): each page
 * runs `search QUERY` and `show NEXT PAGESIZE raw`; the hit count is the expectedTotal and the
 * checkpoint `{ query, next }`. A failure (connection refused, a Bib-1 diagnostic, a timeout)
 * fails the run with a message naming host:port/database; connection failures and timeouts are
 * retried with backoff first. An aborted signal kills zoomsh and throws.
 *
 * Like any offset paging, positions shift if the result set changes during the harvest; the next
 * incremental run catches up. A full run that read every record cleanly ends with deletes for the
 * records the catalogue holds that the target no longer has (withVanishedRecords; needs the run's
 * knownLocalIds).
 */
export class Z3950Source implements HarvestSource {
  private readonly query: string;
  private readonly pageSize: number;
  private readonly syntax: Z3950RecordSyntax;
  private readonly logger: { warn(message: string): void };

  constructor(private readonly options: Z3950SourceOptions) {
    validateTarget(options);
    this.query = options.query?.trim() || ALL_RECORDS_PQF;
    assertSingleLine("the PQF query", this.query);
    if (options.incrementalQuery !== undefined)
      assertSingleLine("the incremental query", options.incrementalQuery);
    this.pageSize = options.pageSize ?? 100;
    if (!Number.isInteger(this.pageSize) || this.pageSize < 1) {
      throw new Z3950Error(`Z39.50 pageSize must be a positive integer, got ${String(options.pageSize)}`);
    }
    this.syntax = options.recordSyntax ?? "usmarc";
    if (!["usmarc", "xml", "opac"].includes(this.syntax)) {
      throw new Z3950Error(
        `Z39.50 recordSyntax must be usmarc, xml or opac, got ${JSON.stringify(this.syntax)}`,
      );
    }
    this.logger = options.logger ?? { warn: (message) => console.warn(message) };
  }

  pages(context: ReconcilingContext): AsyncIterable<HarvestPage> {
    const warn = (message: string): void =>
      this.logger.warn(`Z39.50 ${describeTarget(this.options)}: ${message}`);
    return withVanishedRecords(this.harvest(context), context, warn);
  }

  private async *harvest(context: HarvestContext): AsyncGenerator<HarvestPage> {
    const resume = readCheckpoint(context.resumeFrom);
    let query = resume?.query ?? this.startQuery(context);
    let next = resume?.next ?? 0;
    let mayFallBack = !resume && query !== this.query;
    for (;;) {
      context.signal?.throwIfAborted();
      let output;
      try {
        output = parseZoomshOutput(await this.present(query, next, context.signal));
      } catch (error) {
        if (
          mayFallBack &&
          error instanceof Z3950DiagnosticError &&
          error.set.toLowerCase() === "bib-1" &&
          UNSUPPORTED_SEARCH.has(error.code)
        ) {
          this.logger.warn(
            `Z39.50 ${describeTarget(this.options)}: incremental query not supported (${error.diagnosticMessage}); ` +
              "harvesting all records instead",
          );
          query = this.query;
          mayFallBack = false;
          continue;
        }
        throw error;
      }
      mayFallBack = false;
      const hits = output.hits;
      if (hits === undefined) {
        throw new Z3950Error(
          `Z39.50 ${describeTarget(this.options)}: zoomsh printed no hit count for ${query}`,
        );
      }
      const records = output.records.map((record) => marcHarvestRecord(toParsedRecord(record)));
      if (records.length === 0 && next < hits) {
        throw new Z3950Error(
          `Z39.50 ${describeTarget(this.options)}: no records returned at offset ${next} of ${hits} hits`,
        );
      }
      const lastIndex = output.records.at(-1)?.index;
      const after = lastIndex !== undefined && lastIndex >= next ? lastIndex + 1 : next + records.length;
      const checkpoint: Z3950Checkpoint = { query, next: after };
      yield { records, checkpoint, expectedTotal: hits };
      if (records.length === 0 || after >= hits) return;
      next = after;
    }
  }

  /** zoomsh: search, then show one page of raw records, retried on connection trouble. */
  private async present(query: string, offset: number, signal: AbortSignal | undefined): Promise<Buffer> {
    const settings = [`set preferredRecordSyntax ${this.syntax}`];
    if (this.options.elementSetName) settings.push(`set elementSetName ${this.options.elementSetName}`);
    // OPAC's "raw" rendering embeds the bibliographic record as ISO 2709 inside the XML; the
    // "xml" rendering gives it as MARCXML. Other syntaxes come raw, exactly as the target sent them.
    const render = this.syntax === "opac" ? "xml" : "raw";
    const commands = [`search ${query}`, `show ${offset} ${this.pageSize} ${render}`];
    return withRetry(
      () =>
        runZoomsh(this.options, settings, commands, {
          timeoutMs: this.options.timeoutMs ?? 120_000,
          signal,
          zoomshPath: this.options.zoomshPath,
        }),
      {
        ...this.options.retry,
        signal,
        onRetry: (error, retry, delay) =>
          this.logger.warn(`${(error as Error).message}; retry ${retry} in ${delay} ms`),
      },
    );
  }

  private startQuery(context: HarvestContext): string {
    if (context.mode !== "incremental") return this.query;
    const template = this.options.incrementalQuery?.trim();
    if (!template) {
      this.logger.warn(
        `Z39.50 ${describeTarget(this.options)}: no incrementalQuery configured; harvesting all records`,
      );
      return this.query;
    }
    const from = context.lastSuccessAt ? incrementalFromDate(context.lastSuccessAt) : undefined;
    if (!from) return this.query;
    const restriction = template.includes("{from}")
      ? template.replaceAll("{from}", from)
      : `${template} ${from}`;
    return `@and ${this.query} ${restriction}`;
  }
}

function readCheckpoint(checkpoint: Checkpoint | null): Z3950Checkpoint | undefined {
  if (!checkpoint) return undefined;
  const { query, next } = checkpoint;
  if (typeof query !== "string" || typeof next !== "number" || next < 0) return undefined;
  return { query, next: Math.floor(next) };
}
