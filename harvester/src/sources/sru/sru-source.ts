import type { ParsedRecord } from "../../marc/parsed.ts";
import { marcHarvestRecord } from "../shared/harvest-record.ts";
import { incrementalFromDate } from "../shared/incremental.ts";
import type { RetryPolicy } from "../shared/retry.ts";
import { withVanishedRecords, type ReconcilingContext } from "../shared/vanished-records.ts";
import type { Checkpoint, HarvestContext, HarvestPage, HarvestRecord, HarvestSource } from "../types.ts";
import { SruClient, type SruVersion } from "./client.ts";
import { diagnosticCode, SruDiagnosticError, SruError, type SruDiagnostic } from "./errors.ts";
import { MarcXmlSink } from "./record-data.ts";
import type { SruRecordEntry } from "./response-parser.ts";

export interface SruSourceOptions {
  /** The SRU database URL, e.g. http://127.0.0.1:9999/Default. */
  baseUrl: string;
  /** CQL for a full harvest (default "cql.allRecords=1"). */
  query?: string;
  /** Default "marcxml"; the records must be MARCXML (MARC 21 slim). */
  recordSchema?: string;
  /** maximumRecords per request (default 100). */
  pageSize?: number;
  version?: SruVersion;
  /**
   * CQL index of the last-modification date, e.g. "rec.lastModificationDate": incremental runs
   * ask for `(<query>) and <index> >= YYYYMMDD`. Without it an incremental run is a full one.
   */
  incrementalIndex?: string;
  /** Whole-request timeout (default 60 s). */
  timeoutMs?: number;
  retry?: RetryPolicy;
  logger?: { warn(message: string): void };
}

/** Where an interrupted SRU harvest resumes: the same query, from this 1-based position. */
export interface SruCheckpoint extends Checkpoint {
  query: string;
  nextRecordPosition: number;
}

/** Diagnostics that mean "this server cannot search that index that way" (SRU diagnostics 15–24). */
const UNSUPPORTED_QUERY = new Set([15, 16, 17, 18, 19, 20, 21, 22, 24]);
/** "First record position out of range": the result set shrank below a resumed position. */
const POSITION_OUT_OF_RANGE = 61;

/**
 * Harvests MARCXML records from an SRU server with searchRetrieve, paging by startRecord:
 *
 * - `maximumRecords` is always sent; `numberOfRecords` is the page's expectedTotal.
 * - Checkpoint `{ query, nextRecordPosition }`; a resumed run repeats the checkpoint's query
 *   from that position. If the result set shrank below it (diagnostic 61), the run ends there.
 * - Incremental runs with `incrementalIndex` ask for records changed since the day before the
 *   last success; a server that does not support that index (diagnostics 15–24) gets a warning and
 *   a full harvest instead. Any other diagnostic fails the run with its message.
 * - Bad records and surrogate diagnostics are rejected with their reason; the rest load.
 * - Network errors, timeouts and HTTP 5xx are retried with backoff; an aborted signal throws.
 * - A full run that read every record cleanly ends with deletes for the records the catalogue
 *   holds that the server no longer has (withVanishedRecords; needs the run's knownLocalIds).
 *
 * Positions shift if the server's result set changes between pages (records added or deleted
 * during the harvest); SRU has no stable cursor, so the next run catches up.
 */
export class SruSource implements HarvestSource {
  private readonly client: SruClient;
  private readonly query: string;
  private readonly recordSchema: string;
  private readonly pageSize: number;
  private readonly logger: { warn(message: string): void };

  constructor(private readonly options: SruSourceOptions) {
    this.query = options.query?.trim() || "cql.allRecords=1";
    this.recordSchema = options.recordSchema ?? "marcxml";
    this.pageSize = options.pageSize ?? 100;
    if (!Number.isInteger(this.pageSize) || this.pageSize < 1) {
      throw new SruError(`SRU pageSize must be a positive integer, got ${String(options.pageSize)}`);
    }
    this.logger = options.logger ?? { warn: (message) => console.warn(message) };
    this.client = new SruClient({
      baseUrl: options.baseUrl,
      version: options.version,
      timeoutMs: options.timeoutMs,
      retry: options.retry,
      logger: this.logger,
    });
  }

  async *pages(context: ReconcilingContext): AsyncIterable<HarvestPage> {
    try {
      const warn = (message: string): void => this.logger.warn(`SRU ${this.options.baseUrl}: ${message}`);
      yield* withVanishedRecords(this.harvest(context), context, warn);
    } finally {
      this.client.close();
    }
  }

  private async *harvest(context: HarvestContext): AsyncGenerator<HarvestPage> {
    const resume = readCheckpoint(context.resumeFrom);
    let query = resume?.query ?? this.startQuery(context);
    let start = resume?.nextRecordPosition ?? 1;
    let mayFallBack = !resume && query !== this.query;
    for (;;) {
      context.signal?.throwIfAborted();
      let response;
      try {
        response = await this.client.searchRetrieve(
          { query, startRecord: start, maximumRecords: this.pageSize, recordSchema: this.recordSchema },
          () => new MarcXmlSink(),
          context.signal,
        );
      } catch (error) {
        if (mayFallBack && error instanceof SruDiagnosticError && UNSUPPORTED_QUERY.has(error.code ?? -1)) {
          this.logger.warn(
            `SRU ${this.options.baseUrl}: incremental query ${JSON.stringify(query)} is not supported ` +
              `(${error.diagnostic.message ?? error.diagnostic.uri}); harvesting all records instead`,
          );
          query = this.query;
          mayFallBack = false;
          continue;
        }
        if (start > 1 && error instanceof SruDiagnosticError && error.code === POSITION_OUT_OF_RANGE) return;
        throw error;
      }
      mayFallBack = false;
      const total = response.numberOfRecords;
      const records = response.records.map((entry, index) => toHarvestRecord(entry, start + index));
      for (const diagnostic of response.diagnostics) {
        this.logger.warn(`SRU ${this.options.baseUrl}: ${describeDiagnostic(diagnostic)}`);
      }
      const next =
        response.nextRecordPosition !== undefined && response.nextRecordPosition > start
          ? response.nextRecordPosition
          : start + records.length;
      const done =
        records.length === 0 ||
        (total !== undefined ? next > total : response.nextRecordPosition === undefined);
      if (records.length === 0 && total !== undefined && start <= total) {
        throw new SruError(
          `SRU ${this.options.baseUrl} returned no records at startRecord=${start} although ` +
            `numberOfRecords=${total}`,
        );
      }
      const checkpoint: SruCheckpoint = { query, nextRecordPosition: next };
      const page: HarvestPage = { records, checkpoint };
      if (total !== undefined) page.expectedTotal = total;
      yield page;
      if (done) return;
      start = next;
    }
  }

  /** The query of a new run: incremental by date where configured and possible. */
  private startQuery(context: HarvestContext): string {
    if (context.mode !== "incremental") return this.query;
    const index = this.options.incrementalIndex?.trim();
    const from = context.lastSuccessAt ? incrementalFromDate(context.lastSuccessAt) : undefined;
    if (!index) {
      this.logger.warn(`SRU ${this.options.baseUrl}: no incrementalIndex configured; harvesting all records`);
      return this.query;
    }
    if (!from) return this.query; // no successful run yet: everything is new
    return `(${this.query}) and ${index} >= ${from}`;
  }
}

function readCheckpoint(checkpoint: Checkpoint | null): SruCheckpoint | undefined {
  if (!checkpoint) return undefined;
  const { query, nextRecordPosition } = checkpoint;
  if (typeof query !== "string" || typeof nextRecordPosition !== "number" || nextRecordPosition < 1) {
    return undefined;
  }
  return { query, nextRecordPosition: Math.floor(nextRecordPosition) };
}

function describeDiagnostic(diagnostic: SruDiagnostic): string {
  const code = diagnosticCode(diagnostic.uri);
  const text = [diagnostic.message, diagnostic.details].filter(Boolean).join(": ");
  return `diagnostic ${code ?? diagnostic.uri}${text ? ` ${text}` : ""}`;
}

/** A record entry → upsert, delete (leader/05 = d) or rejection; `position` is 0-based. */
function toHarvestRecord(entry: SruRecordEntry<ParsedRecord>, fallbackPosition: number): HarvestRecord {
  const position = (entry.position ?? fallbackPosition) - 1;
  if (entry.diagnostic) {
    return {
      kind: "rejected",
      position,
      reason: `SRU surrogate diagnostic: ${describeDiagnostic(entry.diagnostic)}`,
    };
  }
  if (!entry.data) return { kind: "rejected", position, reason: "empty SRU record" };
  return marcHarvestRecord(entry.data, position);
}
