import http from "node:http";
import https from "node:https";
import { pipeline } from "node:stream";
import type { Readable } from "node:stream";
import { createGunzip, createInflate } from "node:zlib";
import { OaiNetworkError, OaiResponseTooLargeError, OaiTimeoutError } from "./errors.ts";

export interface HttpGetOptions {
  /** Deadline for the whole exchange: connect, headers and the full body. */
  requestTimeoutMs: number;
  /** Longest silence allowed between two chunks (a stalled or trickling server). */
  idleTimeoutMs: number;
  /** Largest body accepted, counted after decompression (a gzip bomb counts in full). */
  maxResponseBytes: number;
  userAgent: string;
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The body, decompressed; iterate it once. Errors (timeouts, size, resets) surface here. */
  body: AsyncIterable<Buffer>;
  /** Releases the connection when the body is not read to its end. */
  discard(): void;
}

/** Keep-alive agents for one client; `destroy` closes their idle sockets. */
export class HttpAgents {
  readonly http = new http.Agent({ keepAlive: true, maxSockets: 4 });
  readonly https = new https.Agent({ keepAlive: true, maxSockets: 4 });

  destroy(): void {
    this.http.destroy();
    this.https.destroy();
  }
}

/** One streaming GET with a deadline, an idle timeout and a size cap. */
export function httpGet(url: URL, options: HttpGetOptions, agents: HttpAgents): Promise<HttpResponse> {
  return new Promise((resolve, reject) => {
    const secure = url.protocol === "https:";
    const request = (secure ? https : http).get(url, {
      agent: secure ? agents.https : agents.http,
      headers: {
        "user-agent": options.userAgent,
        accept: "text/xml, application/xml",
        "accept-encoding": "gzip, deflate",
      },
      signal: options.signal,
    });
    let settled = false;
    let failure: Error | undefined;
    const fail = (error: Error): void => {
      failure ??= error;
      request.destroy(error);
    };
    const deadline = setTimeout(
      () =>
        fail(
          new OaiTimeoutError(`no complete response from ${url.host} within ${options.requestTimeoutMs} ms`),
        ),
      options.requestTimeoutMs,
    );
    // Silence before the headers and between body chunks; refreshed on every chunk.
    const idle = setTimeout(
      () => fail(new OaiTimeoutError(`${url.host} sent nothing for ${options.idleTimeoutMs} ms`)),
      options.idleTimeoutMs,
    );
    const stopTimers = (): void => {
      clearTimeout(deadline);
      clearTimeout(idle);
    };
    request.on("error", (error) => {
      stopTimers();
      if (settled) return;
      settled = true;
      reject(classify(failure ?? error, url));
    });
    request.on("response", (response) => {
      settled = true;
      idle.refresh();
      const body = decoded(response, (error) => fail(error));
      resolve({
        status: response.statusCode ?? 0,
        headers: response.headers,
        body: limited(body, options, url, {
          failure: () => failure,
          onChunk: () => idle.refresh(),
          done: stopTimers,
        }),
        discard: () => {
          stopTimers();
          response.destroy();
        },
      });
    });
  });
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

async function* limited(
  body: Readable,
  options: HttpGetOptions,
  url: URL,
  hooks: { failure: () => Error | undefined; onChunk: () => void; done: () => void },
): AsyncGenerator<Buffer> {
  let total = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      hooks.onChunk();
      total += chunk.length;
      if (total > options.maxResponseBytes) {
        throw new OaiResponseTooLargeError(
          `response from ${url.host} is larger than the ${options.maxResponseBytes} bytes allowed (maxResponseBytes)`,
        );
      }
      yield chunk;
    }
  } catch (error) {
    throw classify(hooks.failure() ?? (error as Error), url);
  } finally {
    hooks.done();
    body.destroy();
  }
}

function classify(error: Error, url: URL): Error {
  if (error instanceof OaiNetworkError || error instanceof OaiResponseTooLargeError) return error;
  if (error.name === "AbortError") return error;
  const code = (error as NodeJS.ErrnoException).code;
  return new OaiNetworkError(
    `request to ${url.host} failed: ${error.message}${code ? ` (${code})` : ""}`,
    error,
  );
}
