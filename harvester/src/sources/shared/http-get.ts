import http from "node:http";
import https from "node:https";
import { pipeline } from "node:stream";
import type { Readable } from "node:stream";
import { createGunzip, createInflate } from "node:zlib";
import { parseRetryAfter } from "./retry.ts";

export interface HttpGetOptions {
  /** Deadline for the whole exchange: connect, headers and the full body. */
  requestTimeoutMs: number;
  /** Longest silence allowed between two chunks (a stalled or trickling server). */
  idleTimeoutMs: number;
  /** Largest body accepted, counted after decompression (a gzip bomb counts in full). */
  maxResponseBytes: number;
  userAgent: string;
  /** Names the protocol in error messages ("OAI-PMH", "SRU"). */
  protocol: string;
}

/** The protocol client's own error classes, so that its callers see them: the shared client writes the message. */
export interface HttpErrorClasses {
  /** Connection refused, reset or dropped mid-body; too many redirects; a broken gzip stream. */
  network: new (message: string, cause?: unknown) => Error;
  /** No byte for idleTimeoutMs, or no complete answer within requestTimeoutMs. */
  timeout: new (message: string) => Error;
  /** The body grew past maxResponseBytes. */
  tooLarge: new (message: string) => Error;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body, decompressed; iterate it once. Errors (timeouts, size, resets) surface here. */
  body: AsyncIterable<Buffer>;
  /** Releases the connection when the body is not read to its end. */
  discard(): void;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/**
 * A streaming HTTP GET client with keep-alive connections, a deadline, an idle timeout, a size
 * cap, gzip/deflate decoding and a few redirects followed. `close` ends its idle connections.
 */
export class HttpGetClient {
  private readonly agents = {
    http: new http.Agent({ keepAlive: true, maxSockets: 4 }),
    https: new https.Agent({ keepAlive: true, maxSockets: 4 }),
  };

  constructor(
    private readonly options: HttpGetOptions,
    private readonly errors: HttpErrorClasses,
  ) {}

  /** GET `url`, following up to five redirects; the response of any other status is returned. */
  async get(url: URL, signal?: AbortSignal): Promise<HttpResponse> {
    let target = url;
    for (let hop = 0; ; hop++) {
      const response = await this.getOnce(target, signal);
      const location = headerValue(response, "location");
      if (!REDIRECTS.has(response.status) || !location) return response;
      response.discard();
      if (hop >= MAX_REDIRECTS)
        throw new this.errors.network(
          `${this.options.protocol}: more than ${MAX_REDIRECTS} redirects from ${where(url)}`,
        );
      target = new URL(location, target);
    }
  }

  close(): void {
    this.agents.http.destroy();
    this.agents.https.destroy();
  }

  private getOnce(url: URL, signal: AbortSignal | undefined): Promise<HttpResponse> {
    const { options, errors } = this;
    const { protocol } = options;
    return new Promise((resolve, reject) => {
      const secure = url.protocol === "https:";
      const request = (secure ? https : http).get(url, {
        agent: secure ? this.agents.https : this.agents.http,
        headers: {
          "user-agent": options.userAgent,
          accept: "application/xml, text/xml",
          "accept-encoding": "gzip, deflate",
        },
        signal,
      });
      let settled = false;
      let failure: Error | undefined;
      /** Ends the exchange with `error` (already in the protocol's terms). */
      const fail = (error: Error): void => {
        failure ??= error;
        request.destroy(error);
      };
      const deadline = setTimeout(
        () =>
          fail(
            new errors.timeout(
              `${protocol}: no complete response from ${where(url)} within ${options.requestTimeoutMs} ms`,
            ),
          ),
        options.requestTimeoutMs,
      );
      // Silence before the headers and between body chunks; refreshed on every chunk.
      const idle = setTimeout(
        () =>
          fail(new errors.timeout(`${protocol}: ${where(url)} sent nothing for ${options.idleTimeoutMs} ms`)),
        options.idleTimeoutMs,
      );
      const stopTimers = (): void => {
        clearTimeout(deadline);
        clearTimeout(idle);
      };
      /** What the caller sees: the reason we ended it, else what the socket said. */
      const final = (error: Error): Error => failure ?? this.classify(error, url);
      request.on("error", (error) => {
        stopTimers();
        if (settled) return;
        settled = true;
        reject(final(error));
      });
      request.on("response", (response) => {
        settled = true;
        idle.refresh();
        const body = decoded(response, (error) => fail(this.classify(error, url)));
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: this.limited(body, url, { final, onChunk: () => idle.refresh(), done: stopTimers }),
          discard: () => {
            stopTimers();
            response.destroy();
          },
        });
      });
    });
  }

  private async *limited(
    body: Readable,
    url: URL,
    hooks: { final: (error: Error) => Error; onChunk: () => void; done: () => void },
  ): AsyncGenerator<Buffer> {
    const limit = this.options.maxResponseBytes;
    let total = 0;
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) {
        hooks.onChunk();
        total += chunk.length;
        if (total > limit) break;
        yield chunk;
      }
    } catch (error) {
      throw hooks.final(error as Error);
    } finally {
      hooks.done();
      body.destroy();
    }
    if (total > limit) {
      throw new this.errors.tooLarge(
        `${this.options.protocol} response from ${where(url)} is larger than the ${limit} bytes allowed (maxResponseBytes)`,
      );
    }
  }

  /** An abort passes as it is; anything else is a network error naming the code. */
  private classify(error: Error, url: URL): Error {
    if (error.name === "AbortError") return error;
    const code = (error as NodeJS.ErrnoException).code;
    const message = code && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
    return new this.errors.network(
      `${this.options.protocol} request to ${where(url)} failed: ${message}`,
      error,
    );
  }
}

/** The server's Retry-After on this response, in milliseconds, when usable. */
export function retryAfterOf(response: HttpResponse): number | undefined {
  return parseRetryAfter(headerValue(response, "retry-after"));
}

/** One header's value (the first, when repeated). */
export function headerValue(response: HttpResponse, name: string): string | undefined {
  const value = response.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** "host:port/path" of a URL, for messages (never the query, which may be long). */
function where(url: URL): string {
  return `${url.host}${url.pathname}`;
}

function decoded(response: http.IncomingMessage, onError: (error: Error) => void): Readable {
  const encoding = String(response.headers["content-encoding"] ?? "")
    .trim()
    .toLowerCase();
  if (encoding !== "gzip" && encoding !== "x-gzip" && encoding !== "deflate") return response;
  const inflater = encoding === "deflate" ? createInflate() : createGunzip();
  return pipeline(response, inflater, (error) => {
    if (error) onError(error);
  });
}
