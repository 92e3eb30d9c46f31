/**
 * Live availability against a real Index Data Zebra (../shared/peers/zebra.sh): Z39.50 OPAC record
 * syntax through zoomsh and SRU's "opac" schema. Skipped with a loud warning when the Debian
 * packages are missing — except in CI (CI=true), where that is a failure.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server, type Socket } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makePeerTestData } from "../../../../test/peers/oai-provider.ts";
import { zebraOrSkip, type Zebra } from "../../../../test/peers/zebra.ts";
import { LiveAvailabilityError, LiveAvailabilityTimeoutError } from "./errors.ts";
import { createLiveAvailability, type LiveAvailabilityOptions } from "./live-availability.ts";
import type { LiveAvailability } from "./types.ts";

let zebra: Zebra | undefined;
let data = "";

beforeAll(async () => {
  data = await mkdtemp(path.join(os.tmpdir(), "interlend-live-data-"));
  zebra = await zebraOrSkip(async () => {
    await makePeerTestData(data);
    return { marcFiles: [path.join(data, "peer.mrc")] };
  }, "live availability peer tests");
  // update.xml: peer0001 goes on loan (952 $q 2024-07-01), peer0002 is deleted, peer0100 is new
  // with a reference-only 852.
  await zebra?.update([path.join(data, "update.xml")]);
}, 20 * 60_000);

afterAll(async () => {
  await zebra?.stop();
  if (data) await rm(data, { recursive: true, force: true });
});

const signal = (): AbortSignal => new AbortController().signal;

const protocols: Array<[string, () => LiveAvailabilityOptions]> = [
  [
    "Z39.50 OPAC",
    () => ({ protocol: "z39.50", host: zebra!.host, port: zebra!.port, database: zebra!.database }),
  ],
  ["SRU opac schema", () => ({ protocol: "sru", baseUrl: zebra!.sruUrl })],
];

describe.each(protocols)("live availability over %s", (_name, options) => {
  let live: LiveAvailability;
  beforeAll(() => {
    if (zebra) live = createLiveAvailability(options());
  });

  it("returns the copies of a title by ISBN with their statuses", async (context) => {
    if (!zebra) return context.skip();
    expect(await live.check({ isbn: "978-0-00-000003-3" }, signal())).toEqual([
      { barcode: "39000000003", callNumber: "QA3.T3", location: "MAIN", status: "available" },
      { barcode: "39001000003", callNumber: "QA3.T3 c.2", location: "BRANCH", status: "not_lendable" },
    ]);
  });

  it("reports a copy on loan with its due date", async (context) => {
    if (!zebra) return context.skip();
    expect(await live.check({ isbn: "9780000000019" }, signal())).toEqual([
      {
        barcode: "39000000001",
        callNumber: "QA1.T1",
        location: "MAIN",
        status: "on_loan",
        dueDate: "2024-07-01",
      },
    ]);
  });

  it("finds by local id, and reads a reference-only note", async (context) => {
    if (!zebra) return context.skip();
    expect(await live.check({ localId: "peer0100" }, signal())).toEqual([
      { barcode: "39000000100", callNumber: "ZZ100", location: "ANNEX", status: "not_lendable" },
    ]);
  });

  it("says not found for an unknown or deleted title", async (context) => {
    if (!zebra) return context.skip();
    expect(await live.check({ isbn: "9789999999991" }, signal())).toBeUndefined();
    expect(await live.lookup({ localId: "peer0002" }, signal())).toEqual({ kind: "not_found" });
    const bad = await live.lookup({ isbn: "not an isbn" }, signal());
    expect(bad).toMatchObject({ kind: "unavailable", error: expect.any(LiveAvailabilityError) });
  });
});

describe("live availability against a port that never answers", () => {
  let server: Server;
  const sockets: Socket[] = [];
  let port = 0;
  beforeAll(async () => {
    // Accepts connections and never says a word.
    server = createServer((socket) => void sockets.push(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it.each([
    [
      "Z39.50",
      (): LiveAvailabilityOptions => ({ protocol: "z39.50", host: "127.0.0.1", port, database: "Default" }),
    ],
    [
      "SRU",
      (): LiveAvailabilityOptions => ({ protocol: "sru", baseUrl: `http://127.0.0.1:${port}/Default` }),
    ],
  ])("%s: gives up within about 2 s", async (_name, options) => {
    const live = createLiveAvailability(options());
    const started = Date.now();
    expect(await live.check({ isbn: "9780000000033" }, signal())).toBeUndefined();
    const elapsed = Date.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(1900);
    expect(elapsed).toBeLessThan(2500);
    const result = await live.lookup({ isbn: "9780000000033" }, signal());
    expect(result).toMatchObject({ kind: "unavailable", error: expect.any(LiveAvailabilityTimeoutError) });
    expect((result as { error: Error }).error.message).toMatch(/no answer within 2000 ms/);
  });

  it("rejects at once when the caller aborts", async () => {
    const live = createLiveAvailability({ protocol: "z39.50", host: "127.0.0.1", port, database: "Default" });
    const controller = new AbortController();
    const started = Date.now();
    setTimeout(() => controller.abort(new Error("page closed")), 100);
    await expect(live.check({ isbn: "9780000000033" }, controller.signal)).rejects.toThrow("page closed");
    expect(Date.now() - started).toBeLessThan(1000);
  });
});
