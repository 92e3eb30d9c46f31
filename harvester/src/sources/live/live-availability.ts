import { SruClient, type SruVersion } from "../sru/client.ts";
import { SruDiagnosticError } from "../sru/errors.ts";
import { Z3950Error } from "../z3950/errors.ts";
import { readOpacRecord } from "../z3950/records.ts";
import {
  assertSingleLine,
  describeTarget,
  hasControlCharacter,
  runZoomsh,
  validateTarget,
  type Z3950Target,
} from "../z3950/zoomsh.ts";
import { parseZoomshOutput } from "../z3950/zoomsh-output.ts";
import { LiveAvailabilityError, LiveAvailabilityTimeoutError } from "./errors.ts";
import { isbnSearchForms } from "./isbn.ts";
import { OpacXmlSink } from "./opac-xml.ts";
import type { LiveAvailability, LiveHolding, LiveQuery, LiveResult } from "./types.ts";

/** The hard cap on a lookup: availability is shown while a page renders. */
export const MAX_LIVE_TIMEOUT_MS = 2000;

interface CommonOptions {
  /** ≤ 2000 ms (default 2000); longer values are cut to 2000. */
  timeoutMs?: number;
  /** At most this many matching records are read (default 10). */
  maxRecords?: number;
}

/** Z39.50 OPAC record syntax (holdings with circulation) through zoomsh. */
export interface Z3950LiveOptions extends CommonOptions, Z3950Target {
  protocol: "z39.50";
  /** Bib-1 use attributes (defaults 7 = ISBN, 12 = local number). */
  isbnAttribute?: number;
  localIdAttribute?: number;
  zoomshPath?: string;
}

/** SRU with the "opac" record schema (YAZ OPAC-XML). */
export interface SruLiveOptions extends CommonOptions {
  protocol: "sru";
  baseUrl: string;
  version?: SruVersion;
  /** CQL indexes (defaults bath.isbn and rec.id). */
  isbnIndex?: string;
  localIdIndex?: string;
  /** Default "opac". */
  recordSchema?: string;
}

export type LiveAvailabilityOptions = Z3950LiveOptions | SruLiveOptions;

/**
 * A live availability lookup for one title at one member (Z39.50 OPAC syntax or SRU "opac"
 * schema): the copies with their status now. Searches by local id (001) when given, else by ISBN
 * (both ISBN-10 and ISBN-13 forms); holdings of all matching records are returned. Hard timeout
 * ≤ 2 s: then the answer is "unavailable" (check() resolves undefined) and zoomsh is killed or
 * the request aborted.
 */
export function createLiveAvailability(options: LiveAvailabilityOptions): LiveAvailability {
  const timeoutMs = Math.min(MAX_LIVE_TIMEOUT_MS, Math.max(1, options.timeoutMs ?? MAX_LIVE_TIMEOUT_MS));
  const maxRecords = options.maxRecords ?? 10;
  const search =
    options.protocol === "sru" ? sruSearch(options, maxRecords) : z3950Search(options, maxRecords);
  const where = options.protocol === "sru" ? options.baseUrl : describeTarget(options);

  async function lookup(query: LiveQuery, signal: AbortSignal): Promise<LiveResult> {
    signal.throwIfAborted();
    const deadline = AbortSignal.timeout(timeoutMs);
    const combined = AbortSignal.any([signal, deadline]);
    const timedOut = (): LiveResult => ({
      kind: "unavailable",
      error: new LiveAvailabilityTimeoutError(
        `live availability: ${where} gave no answer within ${timeoutMs} ms`,
      ),
    });
    let timer: NodeJS.Timeout | undefined;
    // Belt and braces: whatever the protocol code does, the answer comes by the deadline.
    const late = new Promise<LiveResult>((resolve) => {
      timer = setTimeout(() => resolve(timedOut()), timeoutMs + 50);
    });
    const work = (async (): Promise<LiveResult> => {
      try {
        const holdings = await search(query, combined, timeoutMs);
        return holdings === undefined ? { kind: "not_found" } : { kind: "found", holdings };
      } catch (error) {
        signal.throwIfAborted();
        if (deadline.aborted) return timedOut();
        const reason = error instanceof Error ? error : new Error(String(error));
        if (reason instanceof LiveAvailabilityError) return { kind: "unavailable", error: reason };
        return {
          kind: "unavailable",
          error: new LiveAvailabilityError(`live availability at ${where}: ${reason.message}`, {
            cause: reason,
          }),
        };
      }
    })();
    let abortListener: (() => void) | undefined;
    const aborted = new Promise<never>((_, reject) => {
      abortListener = () => reject(signal.reason);
      signal.addEventListener("abort", abortListener, { once: true });
    });
    aborted.catch(() => undefined);
    try {
      return await Promise.race([work, late, aborted]);
    } finally {
      clearTimeout(timer);
      if (abortListener) signal.removeEventListener("abort", abortListener);
    }
  }

  return {
    lookup,
    async check(query, signal) {
      const result = await lookup(query, signal);
      return result.kind === "found" ? result.holdings : undefined;
    },
  };
}

type Search = (
  query: LiveQuery,
  signal: AbortSignal,
  timeoutMs: number,
) => Promise<LiveHolding[] | undefined>;

function requireQuery(query: LiveQuery): { isbns: string[]; localId?: string } {
  const localId = query.localId?.trim();
  if (localId) {
    if (hasControlCharacter(localId)) throw new LiveAvailabilityError("local id contains control characters");
    return { isbns: [], localId };
  }
  const isbns = query.isbn ? isbnSearchForms(query.isbn) : [];
  if (isbns.length === 0) throw new LiveAvailabilityError("live availability needs an ISBN or a local id");
  return { isbns };
}

/** A PQF term in double quotes (backslash escapes quotes and backslashes). */
function pqfTerm(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function z3950Search(options: Z3950LiveOptions, maxRecords: number): Search {
  validateTarget(options);
  const isbnUse = options.isbnAttribute ?? 7;
  const localIdUse = options.localIdAttribute ?? 12;
  return async (query, signal, timeoutMs) => {
    const { isbns, localId } = requireQuery(query);
    const terms = localId
      ? [`@attr 1=${localIdUse} ${pqfTerm(localId)}`]
      : isbns.map((isbn) => `@attr 1=${isbnUse} ${pqfTerm(isbn)}`);
    const pqf = terms.length === 1 ? terms[0]! : `@or ${terms.join(" ")}`;
    assertSingleLine("the query", pqf);
    let output;
    try {
      output = await runZoomsh(
        options,
        ["set preferredRecordSyntax opac"],
        [`search ${pqf}`, `show 0 ${maxRecords} xml`], // "xml": the bib record as MARCXML, not ISO 2709
        { timeoutMs, signal, zoomshPath: options.zoomshPath },
      );
    } catch (error) {
      if (error instanceof Z3950Error) throw new LiveAvailabilityError(error.message, { cause: error });
      throw error;
    }
    const parsed = parseZoomshOutput(output);
    if (!parsed.hits || parsed.records.length === 0) return undefined;
    const holdings: LiveHolding[] = [];
    for (const record of parsed.records) {
      if (record.syntax.toLowerCase() !== "opac") {
        throw new LiveAvailabilityError(`${describeTarget(options)} answered in ${record.syntax}, not OPAC`);
      }
      const opac = readOpacRecord(record);
      if ("error" in opac) throw new LiveAvailabilityError(`${describeTarget(options)}: ${opac.error}`);
      holdings.push(...opac.holdings);
    }
    return holdings;
  };
}

/** A CQL term in double quotes. */
function cqlTerm(value: string): string {
  return `"${value.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function sruSearch(options: SruLiveOptions, maxRecords: number): Search {
  const isbnIndex = options.isbnIndex ?? "bath.isbn";
  const localIdIndex = options.localIdIndex ?? "rec.id";
  const client = new SruClient({
    baseUrl: options.baseUrl,
    version: options.version,
    timeoutMs: options.timeoutMs ?? MAX_LIVE_TIMEOUT_MS,
    retry: { retries: 0 },
    logger: { warn: () => undefined },
  });
  return async (query, signal) => {
    const { isbns, localId } = requireQuery(query);
    const cql = localId
      ? `${localIdIndex}=${cqlTerm(localId)}`
      : isbns.map((isbn) => `${isbnIndex}=${cqlTerm(isbn)}`).join(" or ");
    let response;
    try {
      response = await client.searchRetrieve(
        {
          query: cql,
          startRecord: 1,
          maximumRecords: maxRecords,
          recordSchema: options.recordSchema ?? "opac",
        },
        () => new OpacXmlSink(),
        signal,
      );
    } catch (error) {
      if (error instanceof SruDiagnosticError && error.code === 61) return undefined;
      throw error;
    }
    if (!response.numberOfRecords || response.records.length === 0) return undefined;
    const holdings: LiveHolding[] = [];
    for (const entry of response.records) {
      if (entry.diagnostic) {
        throw new LiveAvailabilityError(
          `${options.baseUrl}: ${entry.diagnostic.message ?? entry.diagnostic.uri}${entry.diagnostic.details ? `: ${entry.diagnostic.details}` : ""}`,
        );
      }
      holdings.push(...(entry.data?.holdings ?? []));
    }
    return holdings;
  };
}
