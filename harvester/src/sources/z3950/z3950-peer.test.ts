/**
 * Z3950Source (zoomsh) against a real Index Data Zebra (../shared/peers/zebra.sh) loaded with the
 * peers' 25 test records. Skipped with a loud warning when the Debian packages are missing —
 * except in CI (CI=true), where that is a failure.
 */
import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { zebraWithPeerData, type Zebra } from "../../../../test/peers/zebra.ts";
import { extractItems } from "../../normalise/holdings.ts";
import { harvestPages, ids, peerIds, upserts } from "../shared/test-support.ts";
import { SruSource } from "../sru/sru-source.ts";
import type { HarvestContext, HarvestPage, HarvestSource } from "../types.ts";
import { Z3950DiagnosticError, Z3950Error } from "./errors.ts";
import { Z3950Source, type Z3950SourceOptions } from "./z3950-source.ts";

let zebra: Zebra | undefined;
let stopZebra: (() => Promise<void>) | undefined;
const warnings: string[] = [];
const logger = { warn: (message: string) => void warnings.push(message) };

beforeAll(async () => {
  ({ zebra, stop: stopZebra } = await zebraWithPeerData("Z39.50 peer tests"));
}, 20 * 60_000);

afterAll(() => stopZebra?.());

const source = (options: Partial<Z3950SourceOptions> = {}): Z3950Source =>
  new Z3950Source({
    host: zebra!.host,
    port: zebra!.port,
    database: zebra!.database,
    pageSize: 10,
    logger,
    ...options,
  });

function harvest(from: HarvestSource, context: Partial<HarvestContext> = {}): Promise<HarvestPage[]> {
  warnings.length = 0;
  return harvestPages(from, context);
}

describe("Z39.50 harvest from Zebra via zoomsh", () => {
  it("harvests all 25 records as USMARC over three pages, the same as over SRU", async (context) => {
    if (!zebra) return context.skip();
    const pages = await harvest(source());
    expect(pages.map((p) => p.records.length)).toEqual([10, 10, 5]);
    expect(pages.map((p) => p.expectedTotal)).toEqual([25, 25, 25]);
    expect(pages.map((p) => p.checkpoint.next)).toEqual([10, 20, 25]);
    expect(pages[0]!.checkpoint.query).toBe('@attr 1=_ALLRECORDS @attr 2=103 ""');
    const records = upserts(pages);
    expect(ids(records)).toEqual(peerIds(1, 25));
    expect(records.flatMap((r) => extractItems(r))).toHaveLength(33);
    // UTF-8 survives the binary path.
    expect(JSON.stringify(records[3])).toContain("Les misérables");
    const viaSru = upserts(await harvest(new SruSource({ baseUrl: zebra.sruUrl, pageSize: 25, logger })));
    expect(records.map((r) => r.fields)).toEqual(viaSru.map((r) => r.fields));
    expect(warnings).toEqual([]);
  });

  it("harvests MARCXML and OPAC record syntaxes too", async (context) => {
    if (!zebra) return context.skip();
    const xml = upserts(
      await harvest(source({ recordSyntax: "xml", elementSetName: "marcxml", pageSize: 25 })),
    );
    expect(ids(xml)).toEqual(peerIds(1, 25));
    const opac = upserts(await harvest(source({ recordSyntax: "opac", pageSize: 25 })));
    expect(ids(opac)).toEqual(peerIds(1, 25));
    expect(extractItems(opac[2]!).map((i) => i.status)).toEqual(["available", "not_lendable"]);
  });

  it("resumes from a checkpoint with the rest and no duplicates", async (context) => {
    if (!zebra) return context.skip();
    const first = await harvest(source());
    const rest = await harvest(source(), { resumeFrom: first[1]!.checkpoint });
    expect(ids(upserts(rest))).toEqual(peerIds(21, 25));
    expect(rest.map((p) => p.records.map((r) => r.position))).toEqual([[20, 21, 22, 23, 24]]);
  });

  it("harvests incrementally with a Bib-1 date query, and falls back when unsupported", async (context) => {
    if (!zebra) return context.skip();
    const context2 = { mode: "incremental" as const, lastSuccessAt: "2024-03-02T10:00:00Z" };
    const pages = await harvest(source({ incrementalQuery: "@attr 1=1012 @attr 2=4 {from}" }), context2);
    expect(pages[0]!.checkpoint.query).toBe(
      '@and @attr 1=_ALLRECORDS @attr 2=103 "" @attr 1=1012 @attr 2=4 20240301',
    );
    expect(ids(upserts(pages))).toEqual(peerIds(21, 25));
    expect(warnings).toEqual([]);
    const fallback = await harvest(source({ incrementalQuery: "@attr 1=9999 @attr 2=4" }), context2);
    expect(ids(upserts(fallback))).toEqual(peerIds(1, 25));
    expect(warnings.join("\n")).toMatch(/incremental query not supported \(Unsupported Use attribute\)/);
  });

  it("fails with the target's diagnostic, naming the target", async (context) => {
    if (!zebra) return context.skip();
    const error = await harvest(source({ query: "@attr 1=9999 foo" })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Z3950DiagnosticError);
    expect((error as Error).message).toBe(
      `Z39.50 127.0.0.1:${zebra.port}/Default: Unsupported Use attribute (Bib-1:114) 9999`,
    );
    const database = await harvest(source({ database: "Nope" })).catch((e: unknown) => e);
    expect((database as Error).message).toMatch(/Database unavailable \(Bib-1:109\)/);
  });

  it("kills zoomsh when aborted", async (context) => {
    if (!zebra) return context.skip();
    const controller = new AbortController();
    const pages = source().pages({
      mode: "full",
      resumeFrom: null,
      lastSuccessAt: null,
      signal: controller.signal,
    });
    const iterator = pages[Symbol.asyncIterator]();
    const pending = iterator.next();
    controller.abort(new Error("stop now"));
    await expect(pending).rejects.toThrow("stop now");
  });
});

describe("Z39.50 failures without a server", () => {
  it("connection refused: a clear error naming host:port", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as { port: number }).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const refused = new Z3950Source({
      host: "127.0.0.1",
      port,
      database: "Default",
      retry: { retries: 1, baseDelayMs: 10 },
      logger,
    });
    const error = await harvest(refused).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Z3950DiagnosticError);
    expect((error as Z3950DiagnosticError).connectionFailed).toBe(true);
    expect((error as Error).message).toMatch(
      new RegExp(`^Z39\\.50 127\\.0\\.0\\.1:${port}/Default: Connect failed`),
    );
    expect(warnings.filter((w) => /retry 1/.test(w))).toHaveLength(1);
  });

  it("refuses unsafe options before running anything", () => {
    expect(() => new Z3950Source({ host: "a b", port: 210, database: "D" })).toThrow(Z3950Error);
    expect(
      () => new Z3950Source({ host: "h", port: 210, database: "D", query: "@attr 1=4 x\nquit" }),
    ).toThrow(/control characters/);
  });
});
