/** The client and source against a node:http server that misbehaves on purpose. */
import { gzipSync } from "node:zlib";
import { afterEach, describe, expect, it } from "vitest";
import { controlValue } from "../../marc/record.ts";
import type { HarvestPage } from "../types.ts";
import type { OaiCheckpoint } from "./checkpoint.ts";
import { harvestPages as harvest } from "../shared/test-support.ts";
import { OaiClient } from "./client.ts";
import {
  OaiError,
  OaiHttpError,
  OaiProtocolError,
  OaiResponseTooLargeError,
  OaiTimeoutError,
} from "./errors.ts";
import { OaiPmhSource, type OaiPmhSourceOptions } from "./oai-source.ts";
import { parseRetryAfter } from "./retry.ts";
import { startTestServer, sendXml, type Handler, type TestServer } from "./test-support/http-server.ts";
import {
  BILLION_LAUGHS,
  identifyXml,
  listRecords,
  marcXml,
  numbered,
  oaiErrorXml,
  oaiRecord,
} from "./test-support/oai-xml.ts";

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

const warnings: string[] = [];
const options = (extra: Partial<OaiPmhSourceOptions> = {}): OaiPmhSourceOptions => ({
  baseUrl: server!.baseUrl,
  retry: { attempts: 4, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 20, jitter: 0.1 },
  http: { idleTimeoutMs: 2_000, requestTimeoutMs: 5_000 },
  logger: { warn: (message) => warnings.push(message) },
  ...extra,
});

async function serve(handler: Handler): Promise<TestServer> {
  warnings.length = 0;
  server = await startTestServer(handler);
  return server;
}

const ids = (pages: HarvestPage[]): string[] =>
  pages
    .flatMap((p) => p.records)
    .map((r) =>
      r.kind === "upsert" ? controlValue(r.record, "001")! : r.kind === "delete" ? r.localId : "rejected",
    );

describe("Retry-After", () => {
  it("parses delta-seconds and HTTP-dates", () => {
    const now = Date.parse("2024-06-01T12:00:00Z");
    expect(parseRetryAfter("120", now)).toBe(120_000);
    expect(parseRetryAfter("Sat, 01 Jun 2024 12:00:30 GMT", now)).toBe(30_000);
    expect(parseRetryAfter("Sat, 01 Jun 2024 11:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter("soon", now)).toBeUndefined();
  });

  it("503 + Retry-After in seconds is honoured", async () => {
    let calls = 0;
    await serve((_q, response) => {
      if (calls++ === 0) return sendXml(response, "busy", 503, { "retry-after": "1" });
      sendXml(response, listRecords(numbered(1, 2)));
    });
    const started = Date.now();
    const pages = await harvest(
      new OaiPmhSource(
        options({ retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5, maxRetryAfterMs: 5_000, jitter: 0 } }),
      ),
    );
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(ids(pages)).toEqual(["oai:x:1", "oai:x:2"]);
    expect(warnings.join("\n")).toMatch(/HTTP 503/);
  });

  it("503 + Retry-After as an HTTP-date far away is capped", async () => {
    let calls = 0;
    await serve((_q, response) => {
      if (calls++ < 2)
        return sendXml(response, "busy", 503, {
          "retry-after": new Date(Date.now() + 3_600_000).toUTCString(),
        });
      sendXml(response, listRecords(numbered(1, 1)));
    });
    const started = Date.now();
    const pages = await harvest(new OaiPmhSource(options()));
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(server!.requests).toHaveLength(3);
    expect(pages[0]!.records).toHaveLength(1);
  });
});

describe("network faults", () => {
  it("a connection dropped mid-page is retried; the page is not duplicated", async () => {
    let calls = 0;
    await serve((_q, response) => {
      const body = Buffer.from(listRecords(numbered(1, 50)));
      if (calls++ === 0) {
        response.writeHead(200, { "content-type": "text/xml", "content-length": body.length });
        response.write(body.subarray(0, body.length / 2));
        setTimeout(() => response.socket?.destroy(), 20);
        return;
      }
      sendXml(response, body);
    });
    const pages = await harvest(new OaiPmhSource(options()));
    expect(server!.requests).toHaveLength(2);
    expect(pages).toHaveLength(1);
    expect(pages[0]!.records).toHaveLength(50);
    expect(new Set(ids(pages)).size).toBe(50);
  });

  it("5xx without an OAI answer is retried with backoff, then fails with the status", async () => {
    await serve((_q, response) => sendXml(response, "<html>oops</html>", 500));
    const error = await harvest(new OaiPmhSource(options())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OaiHttpError);
    expect((error as OaiHttpError).status).toBe(500);
    expect(server!.requests).toHaveLength(4);
  });

  it("a server that stops sending hits the idle timeout", async () => {
    await serve((_q, response) => {
      response.writeHead(200, { "content-type": "text/xml" });
      response.write(listRecords(numbered(1, 3)).slice(0, 200)); // then nothing
    });
    const started = Date.now();
    const error = await harvest(
      new OaiPmhSource(options({ retry: { attempts: 1 }, http: { idleTimeoutMs: 150 } })),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OaiTimeoutError);
    expect((error as Error).message).toMatch(/sent nothing for 150 ms/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("a trickling server (a byte every 20 ms) hits the request deadline", async () => {
    await serve((_q, response) => {
      const body = listRecords(numbered(1, 3));
      response.writeHead(200, { "content-type": "text/xml" });
      let at = 0;
      const timer = setInterval(() => {
        if (response.destroyed || at >= body.length) return clearInterval(timer);
        response.write(body[at++]!);
      }, 20);
    });
    const error = await harvest(
      new OaiPmhSource(
        options({ retry: { attempts: 1 }, http: { idleTimeoutMs: 1_000, requestTimeoutMs: 300 } }),
      ),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OaiTimeoutError);
    expect((error as Error).message).toMatch(/within 300 ms/);
  });

  it("a response over maxResponseBytes fails clearly", async () => {
    await serve((_q, response) => sendXml(response, listRecords(numbered(1, 200))));
    const error = await harvest(new OaiPmhSource(options({ http: { maxResponseBytes: 10_000 } }))).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(OaiResponseTooLargeError);
    expect((error as Error).message).toMatch(/maxResponseBytes/);
  });

  it("gzip-encoded responses are decoded", async () => {
    await serve((_q, response) =>
      sendXml(response, gzipSync(listRecords(numbered(1, 5))), 200, { "content-encoding": "gzip" }),
    );
    const pages = await harvest(new OaiPmhSource(options()));
    expect(pages[0]!.records).toHaveLength(5);
  });

  it("an aborted signal stops the harvest with an error", async () => {
    await serve((_q, response) => sendXml(response, listRecords(numbered(1, 1), "next")));
    const controller = new AbortController();
    const source = new OaiPmhSource(options());
    const pages: HarvestPage[] = [];
    const error = await (async () => {
      for await (const page of source.pages({
        mode: "full",
        resumeFrom: null,
        lastSuccessAt: null,
        signal: controller.signal,
      })) {
        pages.push(page);
        controller.abort();
      }
    })().catch((e: unknown) => e);
    expect(pages).toHaveLength(1);
    expect((error as Error).name).toBe("AbortError");
  });
});

describe("bad XML", () => {
  it("malformed XML is a protocol error and is not retried", async () => {
    await serve((_q, response) =>
      sendXml(response, `${listRecords(numbered(1, 2)).slice(0, -12)}</ListRecords></OAI>`),
    );
    const error = await harvest(new OaiPmhSource(options())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OaiProtocolError);
    expect((error as Error).message).toMatch(/not well-formed/);
    expect(server!.requests).toHaveLength(1);
  });

  it("an XML bomb (billion laughs) is refused fast, with little memory", async () => {
    await serve((_q, response) => sendXml(response, BILLION_LAUGHS));
    const heapBefore = process.memoryUsage().heapUsed;
    const started = Date.now();
    const error = await harvest(new OaiPmhSource(options())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OaiProtocolError);
    expect((error as Error).message).toMatch(/DOCTYPE that declares entities/);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(32 * 1024 * 1024);
    expect(server!.requests).toHaveLength(1);
  });

  it("a malformed MARC record is rejected with its id and raw XML; the rest of the page loads", async () => {
    const broken = `<record xmlns="http://www.loc.gov/MARC21/slim"><leader>00000nam a2200000 a 4500</leader><datafield ind1=" " ind2=" "><subfield code="a">no tag</subfield></datafield></record>`;
    await serve((_q, response) =>
      sendXml(
        response,
        listRecords([
          oaiRecord("oai:x:1", "2024-01-01", marcXml("b1", "One")),
          oaiRecord("oai:x:2", "2024-01-02", broken),
          oaiRecord("oai:x:3", "2024-01-03", marcXml("b3", "Gone", "00000dam a2200000 a 4500")),
          oaiRecord("oai:x:4", "2024-01-04"),
        ]),
      ),
    );
    const [page] = await harvest(new OaiPmhSource(options()));
    expect(page!.records.map((r) => r.kind)).toEqual(["upsert", "rejected", "delete", "delete"]);
    expect(page!.records[1]).toMatchObject({
      localId: "oai:x:2",
      reason: expect.stringMatching(/datafield/) as unknown,
      raw: expect.stringContaining("no tag") as unknown,
    });
    expect(page!.records[2]).toMatchObject({ kind: "delete", localId: "oai:x:3" }); // leader/05 = d
    const upsert = page!.records[0]!;
    if (upsert.kind !== "upsert") throw new Error("expected an upsert");
    expect(controlValue(upsert.record, "001")).toBe("oai:x:1");
    expect(upsert.record.fields.find((f) => f.tag === "035")).toMatchObject({ subfields: [["a", "b1"]] });
    expect(page!.checkpoint).toMatchObject({ highestDatestamp: "2024-01-04", recordsSeen: 4 });
  });
});

describe("OAI errors and list control", () => {
  it("422 with an OAI error body is an OaiError with that code", async () => {
    await serve((_q, response) => sendXml(response, oaiErrorXml("badArgument", "from is not a date"), 422));
    const error = await harvest(new OaiPmhSource(options())).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OaiError);
    expect(error).toMatchObject({ code: "badArgument", httpStatus: 422, oaiMessage: "from is not a date" });
    expect(server!.requests).toHaveLength(1);
  });

  it("badResumptionToken on resume restarts the list with the checkpoint's from", async () => {
    await serve((_q, response, url) => {
      const token = url.searchParams.get("resumptionToken");
      if (token === "expired") return sendXml(response, oaiErrorXml("badResumptionToken", "expired"));
      if (token === "t2") return sendXml(response, listRecords(numbered(3, 2), ""));
      sendXml(response, listRecords(numbered(1, 2), "t2", ' completeListSize="4" cursor="0"'));
    });
    const resumeFrom: OaiCheckpoint = {
      set: "books",
      metadataPrefix: "marc21",
      from: "2024-01-01",
      until: null,
      resumptionToken: "expired",
      highestDatestamp: "2024-01-01",
      responseDate: "2024-06-01T00:00:00Z",
      recordsSeen: 10,
    };
    const pages = await harvest(new OaiPmhSource(options({ metadataPrefix: "marc21", set: "books" })), {
      resumeFrom,
    });
    const restart = server!.requests[1]!;
    expect(Object.fromEntries(restart.searchParams)).toEqual({
      verb: "ListRecords",
      metadataPrefix: "marc21",
      set: "books",
      from: "2024-01-01",
    });
    expect(ids(pages)).toEqual(["oai:x:1", "oai:x:2", "oai:x:3", "oai:x:4"]);
    expect(pages[0]!.expectedTotal).toBe(4);
    expect(pages[1]!.checkpoint).toEqual({
      ...resumeFrom,
      resumptionToken: null,
      highestDatestamp: "2024-01-05",
      responseDate: "2024-06-02T00:00:00Z",
      recordsSeen: 14,
    });
    expect(warnings.join("\n")).toMatch(/badResumptionToken; restarting the list from 2024-01-01/);
  });

  it("resume continues with the saved token", async () => {
    await serve((_q, response, url) => {
      expect(url.searchParams.get("resumptionToken")).toBe("t7");
      sendXml(response, listRecords(numbered(7, 1)));
    });
    const resumeFrom = {
      set: null,
      metadataPrefix: "marcxml",
      from: null,
      until: null,
      resumptionToken: "t7",
      highestDatestamp: null,
      responseDate: null,
      recordsSeen: 6,
    };
    const pages = await harvest(new OaiPmhSource(options()), { resumeFrom });
    expect(pages[0]!.records[0]!.position).toBe(6);
  });

  it("the same token twice ends the list with a warning", async () => {
    await serve((_q, response) => sendXml(response, listRecords(numbered(1, 1), "same")));
    const pages = await harvest(new OaiPmhSource(options()));
    expect(pages).toHaveLength(2);
    expect(pages[1]!.checkpoint).toMatchObject({ resumptionToken: null });
    expect(warnings.join("\n")).toMatch(/"same" was already used/);
  });

  it("empty pages whose token never changes end the list", async () => {
    let n = 0;
    await serve((_q, response, url) =>
      sendXml(
        response,
        url.searchParams.has("resumptionToken")
          ? listRecords([], "stuck")
          : listRecords(numbered(1, 1), `t${n++}`),
      ),
    );
    const pages = await harvest(new OaiPmhSource(options()));
    expect(pages.map((p) => p.records.length)).toEqual([1, 0, 0]);
  });

  it("incremental: from = last success in the repository's granularity", async () => {
    await serve((_q, response, url) =>
      sendXml(
        response,
        url.searchParams.get("verb") === "Identify"
          ? identifyXml("YYYY-MM-DD")
          : oaiErrorXml("noRecordsMatch"),
      ),
    );
    const pages = await harvest(new OaiPmhSource(options()), {
      mode: "incremental",
      lastSuccessAt: "2024-06-01T23:59:59.999Z",
    });
    expect(server!.requests[1]!.searchParams.get("from")).toBe("2024-06-01");
    expect(pages).toHaveLength(1);
    expect(pages[0]!.records).toEqual([]);
    await server!.close();
    await serve((_q, response, url) =>
      sendXml(
        response,
        url.searchParams.get("verb") === "Identify"
          ? identifyXml("YYYY-MM-DDThh:mm:ssZ")
          : oaiErrorXml("noRecordsMatch"),
      ),
    );
    await harvest(new OaiPmhSource(options()), {
      mode: "incremental",
      lastSuccessAt: "2024-06-01T23:59:59.999Z",
    });
    expect(server!.requests[1]!.searchParams.get("from")).toBe("2024-06-01T23:59:59Z");
  });

  it("a 20 MB page streams through in 64 KiB chunks", async () => {
    // 1 MB of <about> per record: parsed and dropped as it streams, never kept.
    const pad = `<about>${"x".repeat(1_000_000)}</about>`;
    const records = numbered(1, 20).map((r) => r.replace("</record>", `${pad}</record>`));
    await serve((_q, response) => {
      response.writeHead(200, { "content-type": "text/xml" });
      const body = listRecords(records);
      for (let at = 0; at < body.length; at += 65_536) response.write(body.slice(at, at + 65_536));
      response.end();
    });
    const client = new OaiClient({ baseUrl: server!.baseUrl });
    const page = await client.listRecordsPage({ metadataPrefix: "marcxml" }, (r) => r.header.identifier);
    client.close();
    expect(page.items).toHaveLength(20);
  });
});
