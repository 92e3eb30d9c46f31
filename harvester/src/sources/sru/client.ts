import { XmlTextDecoder } from "../../marc/xml-text-decoder.ts";
import { HttpGetClient, retryAfterOf, type HttpResponse } from "../shared/http-get.ts";
import { withRetry, type RetryPolicy } from "../shared/retry.ts";
import {
  SRU_HTTP_ERRORS,
  SruDiagnosticError,
  SruError,
  SruHttpError,
  SruProtocolError,
  hostOf,
} from "./errors.ts";
import type { RecordDataSink } from "./record-data.ts";
import { SruResponseParser, type SruResponse } from "./response-parser.ts";

export type SruVersion = "1.1" | "1.2" | "2.0";

export interface SruClientOptions {
  /** The database URL, e.g. http://127.0.0.1:9999/Default. */
  baseUrl: string;
  version?: SruVersion;
  /** Whole-request timeout (connect, headers and body), default 60 s; also the longest silence. */
  timeoutMs?: number;
  /** Largest response accepted (default 256 MiB). */
  maxResponseBytes?: number;
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
 * SRU over HTTP GET with the shared streaming client: the body is streamed into the response
 * parser as it arrives. Network errors, timeouts and HTTP 5xx/408/429 are retried with capped
 * exponential backoff (or the server's Retry-After); diagnostics and malformed responses are not.
 * An aborted `signal` stops at once and throws its reason. `close` ends idle connections.
 */
export class SruClient {
  readonly version: SruVersion;
  private readonly http: HttpGetClient;
  private readonly logger: { warn(message: string): void };

  constructor(private readonly options: SruClientOptions) {
    this.version = options.version ?? "1.2";
    this.logger = options.logger ?? { warn: (message) => console.warn(message) };
    try {
      new URL(options.baseUrl);
    } catch {
      throw new SruError(`SRU base URL is not a URL: ${JSON.stringify(options.baseUrl)}`);
    }
    const timeoutMs = options.timeoutMs ?? 60_000;
    this.http = new HttpGetClient(
      {
        requestTimeoutMs: timeoutMs,
        idleTimeoutMs: timeoutMs,
        maxResponseBytes: options.maxResponseBytes ?? 256 * 1024 * 1024,
        userAgent: "Interlend-harvester/0.1 (SRU)",
        protocol: "SRU",
      },
      SRU_HTTP_ERRORS,
    );
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.http.close();
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
      onRetry: (error, retry, delay) =>
        this.logger.warn(`SRU ${hostOf(url)}: ${(error as Error).message}; retry ${retry} in ${delay} ms`),
    });
  }

  private async request<T>(
    url: string,
    createSink: () => RecordDataSink<T>,
    signal: AbortSignal | undefined,
  ): Promise<SruResponse<T>> {
    const response = await this.http.get(new URL(url), signal);
    if (response.status < 200 || response.status >= 300)
      return this.failedResponse(url, response, createSink);
    const parser = new SruResponseParser(createSink);
    const decoder = new XmlTextDecoder();
    try {
      for await (const chunk of response.body) parser.write(decoder.decode(chunk));
      parser.write(decoder.end());
    } finally {
      response.discard();
    }
    return checked(parser.end(), url);
  }

  /** Non-2xx: an SRU diagnostic in the body is the reason; otherwise the HTTP status. */
  private async failedResponse<T>(
    url: string,
    response: HttpResponse,
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
    throw new SruHttpError(response.status, url, retryAfterOf(response));
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

/** The start of a body as text, at most about `limit` characters; the rest is not read. */
async function readLimited(response: HttpResponse, limit: number): Promise<string> {
  const decoder = new XmlTextDecoder();
  let text = "";
  try {
    for await (const chunk of response.body) {
      text += decoder.decode(chunk);
      if (text.length >= limit) return text;
    }
    return text + decoder.end();
  } catch {
    return text; // a broken error body: the status says enough
  } finally {
    response.discard();
  }
}
