import { XmlTextDecoder } from "../../marc/xml-text-decoder.ts";
import {
  SruDiagnosticError,
  SruError,
  SruHttpError,
  SruNetworkError,
  SruProtocolError,
  SruTimeoutError,
  hostOf,
} from "./errors.ts";
import type { RecordDataSink } from "./record-data.ts";
import { SruResponseParser, type SruResponse } from "./response-parser.ts";
import { withRetry, type RetryPolicy } from "../shared/retry.ts";

export type SruVersion = "1.1" | "1.2" | "2.0";

export interface SruClientOptions {
  /** The database URL, e.g. http://127.0.0.1:9999/Default. */
  baseUrl: string;
  version?: SruVersion;
  /** Whole-request timeout (connect, headers and body), default 60 s. */
  timeoutMs?: number;
  retry?: RetryPolicy;
  logger?: { warn(message: string): void };
}

export interface SearchRetrieveParams {
  query: string;
  /** 1-based. */
  startRecord: number;
  /** Always sent: YAZ-based servers (Zebra, Koha) return no records without it. */
  maximumRecords: number;
  recordSchema?: string;
}

/** Error bodies are read (for an SRU diagnostic) up to this size. */
const MAX_ERROR_BODY = 256 * 1024;

/** A searchRetrieve URL; `recordPacking`/`recordXMLEscaping` ask for records as XML, not strings. */
export function searchRetrieveUrl(
  baseUrl: string,
  version: SruVersion,
  params: SearchRetrieveParams,
): string {
  const url = new URL(baseUrl);
  const query = url.searchParams;
  query.set("version", version);
  query.set("operation", "searchRetrieve");
  query.set("query", params.query);
  query.set("startRecord", String(params.startRecord));
  query.set("maximumRecords", String(params.maximumRecords));
  if (params.recordSchema) query.set("recordSchema", params.recordSchema);
  query.set(version === "2.0" ? "recordXMLEscaping" : "recordPacking", "xml");
  return url.toString();
}

/**
 * SRU over HTTP GET with Node's fetch: the body is streamed into the response parser as it
 * arrives. Network errors, timeouts and HTTP 5xx/408/429 are retried with capped exponential
 * backoff; diagnostics and malformed responses are not. An aborted `signal` stops at once and
 * throws its reason.
 */
export class SruClient {
  readonly version: SruVersion;
  private readonly timeoutMs: number;
  private readonly logger: { warn(message: string): void };

  constructor(private readonly options: SruClientOptions) {
    this.version = options.version ?? "1.2";
    this.timeoutMs = options.timeoutMs ?? 60_000;
    this.logger = options.logger ?? { warn: (message) => console.warn(message) };
    try {
      new URL(options.baseUrl);
    } catch {
      throw new SruError(`SRU base URL is not a URL: ${JSON.stringify(options.baseUrl)}`);
    }
  }

  /**
   * One searchRetrieve request. A response whose only content is diagnostics throws
   * SruDiagnosticError (with the first); a response with records and diagnostics is returned.
   */
  async searchRetrieve<T>(
    params: SearchRetrieveParams,
    createSink: () => RecordDataSink<T>,
    signal?: AbortSignal,
  ): Promise<SruResponse<T>> {
    const url = searchRetrieveUrl(this.options.baseUrl, this.version, params);
    return withRetry(() => this.request(url, createSink, signal), {
      ...this.options.retry,
      signal,
      isRetryable: (error) => error instanceof SruError && error.retryable,
      onRetry: (error, retry, delay) =>
        this.logger.warn(`SRU ${hostOf(url)}: ${(error as Error).message}; retry ${retry} in ${delay} ms`),
    });
  }

  private async request<T>(
    url: string,
    createSink: () => RecordDataSink<T>,
    signal: AbortSignal | undefined,
  ): Promise<SruResponse<T>> {
    signal?.throwIfAborted();
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
    const fail = (error: unknown): never => {
      signal?.throwIfAborted();
      if (error instanceof SruError) throw error;
      if (timeout.aborted) {
        throw new SruTimeoutError(
          `SRU request to ${hostOf(url)} timed out after ${this.timeoutMs} ms`,
          error,
        );
      }
      throw new SruNetworkError(`SRU request to ${hostOf(url)} failed: ${networkReason(error)}`, error);
    };
    let response: Response;
    try {
      response = await fetch(url, { signal: combined, headers: { accept: "application/xml, text/xml" } });
    } catch (error) {
      return fail(error);
    }
    try {
      if (!response.ok) return await this.failedResponse(url, response, createSink);
      const parser = new SruResponseParser(createSink);
      const decoder = new XmlTextDecoder();
      if (response.body) {
        for await (const chunk of response.body as AsyncIterable<Uint8Array>)
          parser.write(decoder.decode(chunk));
      }
      parser.write(decoder.end());
      return checked(parser.end(), url);
    } catch (error) {
      await response.body?.cancel().catch(() => undefined);
      return fail(error);
    }
  }

  /** Non-2xx: an SRU diagnostic in the body is the reason; otherwise the HTTP status. */
  private async failedResponse<T>(
    url: string,
    response: Response,
    createSink: () => RecordDataSink<T>,
  ): Promise<never> {
    const text = await readLimited(response, MAX_ERROR_BODY);
    let parsed: SruResponse<T> | undefined;
    try {
      const parser = new SruResponseParser(createSink);
      parser.write(text);
      parsed = parser.end();
    } catch {
      parsed = undefined;
    }
    const diagnostic = parsed?.diagnostics[0];
    if (diagnostic) throw new SruDiagnosticError(diagnostic, url);
    throw new SruHttpError(response.status, url);
  }
}

/** Fails on a response that has diagnostics and no records. */
function checked<T>(response: SruResponse<T>, url: string): SruResponse<T> {
  const diagnostic = response.diagnostics[0];
  if (diagnostic && response.records.length === 0) throw new SruDiagnosticError(diagnostic, url);
  if (response.numberOfRecords === undefined && !diagnostic) {
    throw new SruProtocolError(`SRU response from ${hostOf(url)} has no numberOfRecords`);
  }
  return response;
}

async function readLimited(response: Response, limit: number): Promise<string> {
  if (!response.body) return "";
  const decoder = new XmlTextDecoder();
  let text = "";
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    text += decoder.decode(chunk);
    if (text.length >= limit) {
      await response.body.cancel().catch(() => undefined);
      return text;
    }
  }
  return text + decoder.end();
}

/** "ECONNREFUSED 127.0.0.1:9" rather than undici's bare "fetch failed". */
function networkReason(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } } | undefined)?.cause;
  if (cause?.message)
    return cause.code && !cause.message.includes(cause.code)
      ? `${cause.code} ${cause.message}`
      : cause.message;
  return error instanceof Error ? error.message : String(error);
}
