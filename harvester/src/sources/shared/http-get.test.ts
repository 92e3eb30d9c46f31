/** The shared HTTP GET client and retry helper against a node:http server, as OAI and SRU use them. */
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import {
  SRU_HTTP_ERRORS,
  SruHttpError,
  SruNetworkError,
  SruProtocolError,
  SruTimeoutError,
} from "../sru/errors.ts";
import { SruClient } from "../sru/client.ts";
import { MarcXmlSink } from "../sru/record-data.ts";
import { sendXml, startTestServer, type Handler, type TestServer } from "../oai/test-support/http-server.ts";
import { HttpGetClient, retryAfterOf, type HttpGetOptions } from "./http-get.ts";
import { retryDelay, withRetry } from "./retry.ts";
import { SourceError } from "./errors.ts";

let server: TestServer | undefined;
let client: HttpGetClient | undefined;
afterEach(async () => {
  client?.close();
  await server?.close();
  server = client = undefined;
});

const OPTIONS: HttpGetOptions = {
  requestTimeoutMs: 2_000,
  idleTimeoutMs: 1_000,
  maxResponseBytes: 10_000,
  userAgent: "test",
  protocol: "SRU",
};

async function serve(handler: Handler, options: Partial<HttpGetOptions> = {}): Promise<URL> {
  server = await startTestServer(handler);
  client = new HttpGetClient({ ...OPTIONS, ...options }, SRU_HTTP_ERRORS);
  return new URL(server.baseUrl);
}

async function text(body: AsyncIterable<Buffer>): Promise<string> {
  let all = "";
  for await (const chunk of body) all += chunk.toString("utf8");
  return all;
}

describe("HttpGetClient", () => {
  it("follows redirects and decodes gzip", async () => {
    const url = await serve((_q, response, at) => {
      if (at.pathname === "/moved")
        return sendXml(response, gzipSync("<ok/>"), 200, { "content-encoding": "gzip" });
      response.writeHead(302, { location: "/moved" }).end();
    });
    const response = await client!.get(url);
    expect(response.status).toBe(200);
    expect(await text(response.body)).toBe("<ok/>");
    expect(server!.requests.map((r) => r.pathname)).toEqual(["/oai", "/moved"]);
  });

  it("reads Retry-After in seconds or as an HTTP date", async () => {
    const url = await serve((q, response) =>
      sendXml(response, "busy", 503, {
        "retry-after": q.url?.includes("date") ? new Date(Date.now() + 60_000).toUTCString() : "7",
      }),
    );
    const seconds = await client!.get(url);
    seconds.discard();
    expect(retryAfterOf(seconds)).toBe(7_000);
    const date = await client!.get(new URL("?date", url));
    date.discard();
    expect(retryAfterOf(date)).toBeGreaterThan(55_000);
  });

  it("fails in the caller's error classes: size, silence, refused connection", async () => {
    const url = await serve(
      (_q, response) => {
        if (server!.requests.length === 1) return sendXml(response, "x".repeat(20_000));
        response.writeHead(200).write("<a>"); // then nothing
      },
      { idleTimeoutMs: 100 },
    );
    const large = await client!.get(url);
    await expect(text(large.body)).rejects.toThrow(SruProtocolError);
    const silent = await client!.get(url);
    await expect(text(silent.body)).rejects.toThrow(SruTimeoutError);
    await server!.close();
    await expect(client!.get(url)).rejects.toThrow(SruNetworkError);
  });
});

describe("withRetry", () => {
  it("waits the server's Retry-After (capped) instead of the backoff, jittered upwards only", () => {
    expect(retryDelay(1, undefined, { baseDelayMs: 100, jitter: 0 })).toBe(100);
    expect(retryDelay(4, undefined, { baseDelayMs: 100, maxDelayMs: 500, jitter: 0 })).toBe(500);
    expect(retryDelay(1, 3_000, { maxRetryAfterMs: 2_000, jitter: 0 })).toBe(2_000);
    expect(retryDelay(1, 1_000, { jitter: 0.2 }, () => 1)).toBe(1_200);
    expect(retryDelay(1, 1_000, { jitter: 0.2 }, () => 0)).toBe(1_000);
  });

  it("retries only retryable SourceErrors, as often as allowed", async () => {
    let calls = 0;
    const busy = () =>
      Promise.reject(new SourceError(`busy ${++calls}`, { retryable: true, retryAfterMs: 1 }));
    await expect(withRetry(busy, { retries: 2 })).rejects.toThrow("busy 3");
    calls = 0;
    const broken = () => Promise.reject(new SourceError(`broken ${++calls}`));
    await expect(withRetry(broken, { retries: 2 })).rejects.toThrow("broken 1");
  });
});

describe("SRU over the shared client", () => {
  const search = (sru: SruClient) =>
    sru.searchRetrieve({ query: "x", startRecord: 1, maximumRecords: 1 }, () => new MarcXmlSink());
  const EMPTY =
    "<zs:searchRetrieveResponse xmlns:zs='http://www.loc.gov/zing/srw/'><zs:numberOfRecords>0</zs:numberOfRecords></zs:searchRetrieveResponse>";

  it("waits a 503's Retry-After before asking again", async () => {
    await serve((_q, response) =>
      server!.requests.length === 1
        ? sendXml(response, "busy", 503, { "retry-after": "1" })
        : sendXml(response, EMPTY),
    );
    const sru = new SruClient({
      baseUrl: server!.baseUrl,
      retry: { retries: 1, baseDelayMs: 1, jitter: 0 },
      logger: { warn: () => undefined },
    });
    const started = Date.now();
    const response = await search(sru).finally(() => sru.close());
    expect(response.numberOfRecords).toBe(0);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
  });

  it("gives up with the status and the server's Retry-After", async () => {
    await serve((_q, response) => sendXml(response, "busy", 503, { "retry-after": "5" }));
    const sru = new SruClient({ baseUrl: server!.baseUrl, retry: { retries: 0 } });
    const error = await search(sru)
      .catch((e: unknown) => e)
      .finally(() => sru.close());
    expect(error).toBeInstanceOf(SruHttpError);
    expect(error).toMatchObject({ status: 503, retryAfterMs: 5_000, retryable: true });
  });
});
