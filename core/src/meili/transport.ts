/**
 * A small JSON-over-HTTP transport for Meilisearch over kept-alive sockets (keep-alive-client.ts).
 *
 * Why not fetch: on this kind of machine Node 20's global fetch costs ~44 ms per call to
 * Meilisearch, node:http with keep-alive ~2 ms (see `npm run bench:meili`), our own client
 * ~0.3–0.45 ms less again. The official client can use this transport too, through `meiliHttpClient`.
 */
import type { IncomingHttpHeaders } from "node:http";
import { ConnectionError, createKeepAliveClient } from "./keep-alive-client.ts";
import { MeiliApiError, MeiliError, MeiliUnreachableError } from "./errors.ts";

export { MeiliApiError, MeiliError, MeiliUnreachableError } from "./errors.ts";

export type MeiliMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

export interface MeiliTransportOptions {
  /** Base URL of the server, e.g. `http://127.0.0.1:7700` (a path prefix is kept). */
  url: string;
  /** Sent as `Authorization: Bearer <apiKey>`. */
  apiKey?: string;
  /** Whole-request timeout (connect + send + answer). Default 30 s. */
  timeoutMs?: number;
  /** Upper bound of open sockets to the server. Default 64. */
  maxSockets?: number;
}

/** A request below the JSON layer: the body is sent as given. */
export interface MeiliRawRequest {
  method: string;
  /** Path below the base URL, with its query string, e.g. `/indexes/books/search`. */
  path: string;
  body?: string | Buffer;
  /** Content type of `body`; `application/json` by default. */
  contentType?: string;
  /** Extra headers; names in lower case win over the transport's own. */
  headers?: Record<string, string>;
  /** Aborting rejects the request with the signal's reason. */
  signal?: AbortSignal;
}

export interface MeiliRawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface MeiliTransport {
  /** Sends `body` as JSON, parses the JSON answer; throws MeiliApiError or MeiliUnreachableError. */
  request<T>(method: MeiliMethod, path: string, body?: unknown): Promise<T>;
  /** The raw layer `request` is built on; it does not throw on error statuses. */
  send(request: MeiliRawRequest): Promise<MeiliRawResponse>;
  /** The base URL, without a trailing slash. */
  readonly url: string;
  /** Closes idle sockets; later requests open new ones. */
  close(): void;
}

/** Idle sockets are closed before Meilisearch's (actix-web) 5 s keep-alive would close them. */
const IDLE_SOCKET_MS = 4_000;

export function createMeiliTransport(options: MeiliTransportOptions): MeiliTransport {
  let parsed: URL;
  try {
    parsed = new URL(options.url);
  } catch (error) {
    throw new MeiliError(`Not a valid Meilisearch URL: ${JSON.stringify(options.url)}`, { cause: error });
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") {
    throw new MeiliError(`Meilisearch URL must be http:// or https://, got ${options.url}`);
  }
  const secure = parsed.protocol === "https:";
  const basePath = parsed.pathname.replace(/\/+$/, "");
  const baseUrl = `${parsed.origin}${basePath}`;
  const hostname = parsed.hostname.replace(/^\[(.*)\]$/, "$1");
  const port = parsed.port ? Number(parsed.port) : secure ? 443 : 80;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const maxSockets = options.maxSockets ?? 64;
  const authorization = options.apiKey ? `Bearer ${options.apiKey}` : undefined;

  const client = createKeepAliveClient({ host: hostname, port, secure, maxSockets, idleMs: IDLE_SOCKET_MS });

  async function attempt(req: MeiliRawRequest): Promise<MeiliRawResponse> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (authorization) headers.authorization = authorization;
    if (req.body !== undefined) headers["content-type"] = req.contentType ?? "application/json";
    if (req.headers) Object.assign(headers, req.headers);
    const answer = await client.request(
      { method: req.method, path: basePath + req.path, headers, body: req.body },
      {
        signal: req.signal,
        timeoutMs,
        timeoutError: () => new MeiliUnreachableError(baseUrl, "ETIMEDOUT", `Meilisearch at ${baseUrl} did not answer ${req.method} ${req.path} within ${timeoutMs} ms`),
      },
    );
    return { status: answer.status, headers: answer.headers, body: answer.body.toString("utf8") };
  }

  async function send(req: MeiliRawRequest): Promise<MeiliRawResponse> {
    for (let tries = 0; ; tries++) {
      try {
        return await attempt(req);
      } catch (error) {
        if (!(error instanceof ConnectionError)) throw error; // the caller's abort, our timeout
        const { code } = error;
        // A kept-alive socket the server closed meanwhile: the request never reached it, so a
        // retry on a fresh socket is safe (the pattern Node's http docs recommend).
        if (tries === 0 && error.reusedSocket && (code === "ECONNRESET" || code === "EPIPE")) continue;
        throw new MeiliUnreachableError(
          baseUrl,
          code,
          `Meilisearch at ${baseUrl} is unreachable (${code}: ${(error as Error).message})`,
          { cause: error },
        );
      }
    }
  }

  async function request<T>(method: MeiliMethod, path: string, body?: unknown): Promise<T> {
    const response = await send({
      method,
      path,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let parsedBody: unknown;
    if (response.body !== "") {
      try {
        parsedBody = JSON.parse(response.body);
      } catch (error) {
        if (response.status < 400) {
          throw new MeiliError(`Meilisearch sent invalid JSON for ${method} ${path}`, { cause: error });
        }
        parsedBody = undefined;
      }
    }
    if (response.status >= 400) throw new MeiliApiError(response.status, parsedBody, { method, path });
    return parsedBody as T;
  }

  return {
    request,
    send,
    url: baseUrl,
    close: () => client.close(),
  };
}

/** The function type of the official client's `httpClient` option: `(input, init) => Promise<JSON>`. */
export type MeiliHttpClient = (input: string | URL | Request, init?: RequestInit) => Promise<unknown>;

/**
 * An `httpClient` for the official `meilisearch` client, so it goes over our keep-alive transport:
 * `new Meilisearch({ host: transport.url, apiKey, httpClient: meiliHttpClient(transport) })`.
 *
 * With a custom httpClient the official client does not look at statuses itself, so this throws:
 * `MeiliApiError` for error answers and `MeiliUnreachableError` for connection failures. The client
 * wraps whatever we throw in its `MeilisearchRequestError`, so find ours as `error.cause`. Its
 * `timeout` option still works (it aborts through `init.signal`). Streaming calls are not supported.
 */
export function meiliHttpClient(transport: MeiliTransport): MeiliHttpClient {
  const base = new URL(transport.url);
  const basePath = base.pathname.replace(/\/+$/, "");
  return async (input, init = {}) => {
    const url = typeof input === "string" ? new URL(input) : input instanceof URL ? input : new URL(input.url);
    if (url.origin !== base.origin) {
      throw new MeiliError(`httpClient bound to ${transport.url} was asked for ${url.origin}`);
    }
    let path = url.pathname + url.search;
    if (basePath && path.startsWith(basePath)) path = path.slice(basePath.length);

    const headers: Record<string, string> = {};
    new Headers(init.headers).forEach((value, name) => {
      headers[name] = value;
    });
    const { body } = init;
    if (body !== undefined && body !== null && typeof body !== "string") {
      throw new MeiliError("meiliHttpClient only sends string bodies");
    }
    const method = (init.method ?? "GET").toUpperCase();
    const response = await transport.send({
      method,
      path,
      body: body ?? undefined,
      headers,
      signal: init.signal ?? undefined,
    });
    let parsedBody: unknown;
    if (response.body !== "") {
      try {
        parsedBody = JSON.parse(response.body);
      } catch {
        parsedBody = response.status >= 400 ? undefined : response.body;
      }
    }
    if (response.status >= 400) throw new MeiliApiError(response.status, parsedBody, { method, path });
    return parsedBody;
  };
}
