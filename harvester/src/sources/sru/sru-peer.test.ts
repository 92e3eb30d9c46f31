/**
 * SruSource against a real Index Data Zebra (../shared/peers/zebra.sh) loaded with the peers'
 * 25 test records. Skipped with a loud warning when the Debian packages are missing — except in
 * CI (CI=true), where that is a failure.
 */
import { createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { zebraWithPeerData, type Zebra } from "../../../../test/peers/zebra.ts";
import { extractItems } from "../../normalise/holdings.ts";
import { harvestPages, ids, peerIds, upserts } from "../shared/test-support.ts";
import type { HarvestContext, HarvestPage } from "../types.ts";
import { SruDiagnosticError, SruNetworkError } from "./errors.ts";
import { SruSource, type SruSourceOptions } from "./sru-source.ts";

let zebra: Zebra | undefined;
let stopZebra: (() => Promise<void>) | undefined;
const warnings: string[] = [];
const logger = { warn: (message: string) => void warnings.push(message) };

beforeAll(async () => {
  ({ zebra, stop: stopZebra } = await zebraWithPeerData("SRU peer tests"));
}, 20 * 60_000);

afterAll(() => stopZebra?.());

const source = (options: Partial<SruSourceOptions> = {}): SruSource =>
  new SruSource({ baseUrl: zebra!.sruUrl, pageSize: 10, logger, ...options });

function harvest(from: SruSource, context: Partial<HarvestContext> = {}): Promise<HarvestPage[]> {
  warnings.length = 0;
  return harvestPages(from, context);
}

describe("SRU harvest from Zebra", () => {
  it("harvests all 25 records over three pages, with their items", async (context) => {
    if (!zebra) return context.skip();
    const pages = await harvest(source());
    expect(pages.map((p) => p.records.length)).toEqual([10, 10, 5]);
    expect(pages.map((p) => p.expectedTotal)).toEqual([25, 25, 25]);
    expect(pages.map((p) => p.checkpoint)).toEqual([
      { query: "cql.allRecords=1", nextRecordPosition: 11 },
      { query: "cql.allRecords=1", nextRecordPosition: 21 },
      { query: "cql.allRecords=1", nextRecordPosition: 26 },
    ]);
    const records = upserts(pages);
    expect(ids(records)).toEqual(peerIds(1, 25));
    expect(pages.flatMap((p) => p.records.map((r) => r.position))).toEqual([...Array(25).keys()]);
    const items = records.flatMap((record) => extractItems(record));
    // One copy each, a second copy on every third record, of which every other is for reference.
    expect(items).toHaveLength(33);
    expect(items.filter((item) => item.status === "not_lendable")).toHaveLength(4);
    const peer3 = extractItems(records[2]!);
    expect(peer3).toEqual([
      expect.objectContaining({
        barcode: "39000000003",
        callNumber: "QA3.T3",
        location: "MAIN",
        status: "available",
      }),
      expect.objectContaining({ barcode: "39001000003", location: "BRANCH", status: "not_lendable" }),
    ]);
    expect(warnings).toEqual([]);
  });

  it("resumes from a checkpoint with the rest and no duplicates", async (context) => {
    if (!zebra) return context.skip();
    const first = await harvest(source());
    const checkpoint = first[0]!.checkpoint;
    const rest = await harvest(source(), { resumeFrom: checkpoint });
    expect(ids(upserts(rest))).toEqual(peerIds(11, 25));
    const all = [...ids(upserts(first.slice(0, 1))), ...ids(upserts(rest))];
    expect(new Set(all).size).toBe(25);
    expect(all).toHaveLength(25);
    // A checkpoint past the end (records deleted since) ends the run without error.
    expect(
      await harvest(source(), { resumeFrom: { query: "cql.allRecords=1", nextRecordPosition: 40 } }),
    ).toEqual([]);
  });

  it("harvests incrementally by rec.lastModificationDate", async (context) => {
    if (!zebra) return context.skip();
    const pages = await harvest(source({ incrementalIndex: "rec.lastModificationDate" }), {
      mode: "incremental",
      lastSuccessAt: "2024-02-02T08:00:00.000Z",
    });
    // From the day before the last success: 005 dates 2024-02-11 onwards.
    expect(pages[0]!.checkpoint.query).toBe("(cql.allRecords=1) and rec.lastModificationDate >= 20240201");
    expect(pages[0]!.expectedTotal).toBe(15);
    expect(ids(upserts(pages))).toEqual(peerIds(11, 25));
    expect(warnings).toEqual([]);
    const none = await harvest(source({ incrementalIndex: "rec.lastModificationDate" }), {
      mode: "incremental",
      lastSuccessAt: "2030-01-01 00:00:00",
    });
    expect(none).toEqual([{ records: [], checkpoint: expect.any(Object), expectedTotal: 0 }]);
  });

  it("falls back to a full harvest when the date index is not supported", async (context) => {
    if (!zebra) return context.skip();
    const pages = await harvest(source({ incrementalIndex: "dc.modified" }), {
      mode: "incremental",
      lastSuccessAt: "2024-02-02T08:00:00.000Z",
    });
    expect(ids(upserts(pages))).toEqual(peerIds(1, 25));
    expect(warnings.join("\n")).toMatch(
      /not supported \(Unsupported index\); harvesting all records instead/,
    );
  });

  it("fails the run with the server's diagnostic", async (context) => {
    if (!zebra) return context.skip();
    const error = await harvest(source({ query: "dc.title=(" })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SruDiagnosticError);
    expect((error as SruDiagnosticError).code).toBe(10);
    expect((error as Error).message).toMatch(
      /SRU diagnostic from 127\.0\.0\.1:\d+\/Default: Query syntax error/,
    );
    const schema = await harvest(source({ recordSchema: "nope" })).catch((e: unknown) => e);
    expect((schema as Error).message).toMatch(/Unknown schema for retrieval: nope/);
  });

  it("stops when aborted", async (context) => {
    if (!zebra) return context.skip();
    const controller = new AbortController();
    const seen: HarvestPage[] = [];
    const error = await (async () => {
      for await (const page of source().pages({
        mode: "full",
        resumeFrom: null,
        lastSuccessAt: null,
        signal: controller.signal,
      })) {
        seen.push(page);
        controller.abort(new Error("stop now"));
      }
    })().catch((e: unknown) => e);
    expect(seen).toHaveLength(1);
    expect((error as Error).message).toBe("stop now");
  });
});

describe("SRU failures without a server", () => {
  let server: Server | undefined;
  afterAll(() => server?.close());

  it("connection refused: retried, then a clear error naming the host", async () => {
    server = createServer();
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((resolve) => server!.close(() => resolve()));
    const error = await harvest(
      new SruSource({
        baseUrl: `http://127.0.0.1:${port}/Default`,
        retry: { retries: 2, baseDelayMs: 10 },
        logger,
      }),
    ).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SruNetworkError);
    expect((error as Error).message).toMatch(
      new RegExp(`127\\.0\\.0\\.1:${port}/Default failed: .*ECONNREFUSED`),
    );
    expect(warnings.filter((w) => /retry/.test(w))).toHaveLength(2);
  });
});
