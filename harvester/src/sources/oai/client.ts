import { OaiEnvelopeParser } from "./envelope.ts";
import { HttpGetClient, retryAfterOf, type HttpGetOptions } from "../shared/http-get.ts";
import { withRetry, type RetryPolicy } from "../shared/retry.ts";
import { OAI_HTTP_ERRORS, OaiError, OaiHttpError, OaiProtocolError } from "./errors.ts";
import { ListContentParser, type OaiHeader, type OaiRecord, type ResumptionToken } from "./list-parser.ts";
import { DEFAULT_RETRY, toRetryPolicy, type RetryOptions } from "./retry.ts";
import {
  ChildTextCollector,
  toIdentify,
  toMetadataFormat,
  toSet,
  type IdentifyResponse,
  type MetadataFormat,
  type OaiSet,
} from "./small-verbs.ts";
import { parseXmlStream, type XmlEventHandler } from "./xml-stream.ts";

export interface OaiLogger {
  warn(message: string): void;
}

export interface OaiClientOptions {
  baseUrl: string;
  http?: Partial<HttpGetOptions>;
  retry?: Partial<RetryOptions>;
  signal?: AbortSignal;
  logger?: OaiLogger;
}

/** A first request (prefix, set, from, until) or the continuation of a list. */
export type ListRequest =
  | { metadataPrefix: string; set?: string | null; from?: string | null; until?: string | null }
  | { resumptionToken: string };

export interface ListPage<T> {
  items: T[];
  /** Absent or empty value: the list is complete. */
  token: ResumptionToken | undefined;
  responseDate: string | undefined;
  /** The repository answered noRecordsMatch (a success with nothing in it). */
  noRecordsMatch: boolean;
}

const DEFAULT_HTTP: HttpGetOptions = {
  requestTimeoutMs: 10 * 60_000,
  idleTimeoutMs: 60_000,
  maxResponseBytes: 512 * 1024 * 1024,
  userAgent: "Interlend-harvester/0.1 (OAI-PMH)",
  protocol: "OAI-PMH",
};

/** Error bodies (4xx/5xx) are read for an OAI `<error>`, up to this size. */
const MAX_ERROR_BODY_BYTES = 1024 * 1024;
/** Guards ListSets / ListMetadataFormats paging against servers that never end a list. */
const MAX_SMALL_LIST_PAGES = 1_000;

interface Exchange {
  envelope: OaiEnvelopeParser;
  noRecordsMatch: boolean;
}

/**
 * OAI-PMH 2.0 client: streaming (saxes) and retrying (capped exponential backoff, Retry-After).
 * OAI errors are read from any response, 4xx/5xx included, and handled by meaning:
 * noRecordsMatch is an empty success; every other code throws OaiError.
 */
export class OaiClient {
  private readonly http: HttpGetClient;
  private readonly retry: RetryPolicy;
  private readonly logger: OaiLogger;

  constructor(private readonly options: OaiClientOptions) {
    this.http = new HttpGetClient({ ...DEFAULT_HTTP, ...options.http }, OAI_HTTP_ERRORS);
    this.retry = toRetryPolicy({ ...DEFAULT_RETRY, ...options.retry });
    this.logger = options.logger ?? { warn: (message) => console.warn(message) };
  }

  async identify(): Promise<IdentifyResponse> {
    const collector = new ChildTextCollector();
    const { envelope } = await this.exchange({ verb: "Identify" }, () => collector);
    return toIdentify(collector.items[0] ?? {}, envelope.responseDate);
  }

  async listMetadataFormats(identifier?: string): Promise<MetadataFormat[]> {
    const params: Record<string, string> = { verb: "ListMetadataFormats" };
    if (identifier !== undefined) params.identifier = identifier;
    const items = await this.smallList(params, "metadataFormat");
    return items.map(toMetadataFormat);
  }

  async listSets(): Promise<OaiSet[]> {
    const items = await this.smallList({ verb: "ListSets" }, "set");
    return items.map(toSet);
  }

  /** One page of ListRecords; `map` turns each record into what the caller keeps. */
  listRecordsPage<T>(
    request: ListRequest,
    map: (record: OaiRecord, index: number) => T,
  ): Promise<ListPage<T>> {
    return this.listPage("ListRecords", request, map);
  }

  /** One page of ListIdentifiers (headers only). */
  listIdentifiersPage(request: ListRequest): Promise<ListPage<OaiHeader>> {
    return this.listPage("ListIdentifiers", request, (record) => record.header);
  }

  /** Closes idle keep-alive connections. */
  close(): void {
    this.http.close();
  }

  private async listPage<T>(
    verb: "ListRecords" | "ListIdentifiers",
    request: ListRequest,
    map: (record: OaiRecord, index: number) => T,
  ): Promise<ListPage<T>> {
    let items: T[] = [];
    let content: ListContentParser | undefined;
    const { envelope, noRecordsMatch } = await this.exchange({ verb, ...listParams(request) }, () => {
      // A fresh page per attempt: a retried page must not keep the records of a failed one.
      const page: T[] = (items = []);
      return (content = new ListContentParser((record) => page.push(map(record, page.length))));
    });
    return { items, token: content?.token, responseDate: envelope.responseDate, noRecordsMatch };
  }

  /** ListSets / ListMetadataFormats, all pages (they are small). */
  private async smallList(
    params: Record<string, string>,
    itemName: string,
  ): Promise<Array<Record<string, string[]>>> {
    const items: Array<Record<string, string[]>> = [];
    const seen = new Set<string>();
    let query = params;
    for (let page = 0; page < MAX_SMALL_LIST_PAGES; page++) {
      let collector = new ChildTextCollector(itemName);
      await this.exchange(query, () => (collector = new ChildTextCollector(itemName)));
      items.push(...collector.items);
      const token = collector.token?.value;
      if (!token) return items;
      if (seen.has(token)) {
        this.logger.warn(
          `OAI-PMH ${params.verb}: resumptionToken ${JSON.stringify(token)} repeated; list ended`,
        );
        return items;
      }
      seen.add(token);
      query = { verb: params.verb ?? "", resumptionToken: token };
    }
    this.logger.warn(`OAI-PMH ${params.verb}: more than ${MAX_SMALL_LIST_PAGES} pages; list cut short`);
    return items;
  }

  /** One request, retried as a whole, its response parsed into `makeContent()`'s handler. */
  private exchange(params: Record<string, string>, makeContent: () => XmlEventHandler): Promise<Exchange> {
    const verb = params.verb ?? "";
    return withRetry(() => this.attempt(params, verb, makeContent()), {
      ...this.retry,
      signal: this.options.signal,
      onRetry: (error, retry, delay) =>
        this.logger.warn(`OAI-PMH ${verb}: ${(error as Error).message}; retry ${retry} in ${delay} ms`),
    });
  }

  private async attempt(
    params: Record<string, string>,
    verb: string,
    content: XmlEventHandler,
  ): Promise<Exchange> {
    const response = await this.http.get(requestUrl(this.options.baseUrl, params), this.options.signal);
    const { status } = response;
    if (status === 503 || status === 429) {
      response.discard();
      const host = new URL(this.options.baseUrl).host;
      throw new OaiHttpError(status, `HTTP ${status} from ${host}`, retryAfterOf(response));
    }
    const envelope = new OaiEnvelopeParser(verb, content);
    const failed = status < 200 || status >= 300;
    try {
      await parseXmlStream(failed ? capped(response.body, MAX_ERROR_BODY_BYTES) : response.body, envelope);
    } catch (error) {
      if (!failed) throw error;
      throw new OaiHttpError(
        status,
        `HTTP ${status} without an OAI-PMH answer (${(error as Error).message})`,
      );
    }
    const errors = envelope.errors;
    const real = errors.find((error) => error.code !== "noRecordsMatch");
    if (real) throw new OaiError(real.code, real.message, status);
    if (errors.length > 0) return { envelope, noRecordsMatch: true };
    if (failed) throw new OaiHttpError(status, `HTTP ${status} with an OAI-PMH response but no <error>`);
    if (!envelope.sawVerb)
      throw new OaiProtocolError(`the OAI-PMH response has neither <${verb}> nor <error>`);
    return { envelope, noRecordsMatch: false };
  }
}

function listParams(request: ListRequest): Record<string, string> {
  if ("resumptionToken" in request) return { resumptionToken: request.resumptionToken };
  const params: Record<string, string> = { metadataPrefix: request.metadataPrefix };
  if (request.set) params.set = request.set;
  if (request.from) params.from = request.from;
  if (request.until) params.until = request.until;
  return params;
}

function requestUrl(baseUrl: string, params: Record<string, string>): URL {
  const url = new URL(baseUrl);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url;
}

async function* capped(body: AsyncIterable<Buffer>, limit: number): AsyncGenerator<Buffer> {
  let total = 0;
  for await (const chunk of body) {
    total += chunk.length;
    if (total > limit) throw new OaiProtocolError(`error response larger than ${limit} bytes`);
    yield chunk;
  }
}
