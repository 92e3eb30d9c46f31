/**
 * Live availability end to end: a member harvested over SRU from a real Zebra, then the copy
 * ranking asks that Zebra (Z39.50 OPAC / SRU) for the title's current holdings.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSource, ensureLibrary } from "@interlend/db";
import { runHarvest } from "@interlend/harvester/run/run-harvest";
import { cachedLibraryNames } from "@interlend/search-api/library-names";
import { startApiServer, type RunningServer } from "@interlend/search-api/server";
import { memberLiveAvailability } from "@interlend/search-api/services/member-live-availability";
import { createTestDatabase, type TestDatabase } from "../support/databases.ts";
import { makePeerTestData } from "../peers/oai-provider.ts";
import { zebraOrSkip, type Zebra } from "../peers/zebra.ts";

describe("live availability through a member's Zebra", () => {
  let zebra: Zebra | undefined;
  let database: TestDatabase;
  let api: RunningServer;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "interlend-live-"));
    zebra = await zebraOrSkip(async () => {
      await makePeerTestData(dir);
      return { marcFiles: [path.join(dir, "peer.mrc")] };
    }, "live availability ranking tests");
    if (!zebra) return;
    database = await createTestDatabase("sqlite");
    const db = database.db;
    const member = await ensureLibrary(db, { code: "ZEB", name: "Zebra Library" });
    await ensureLibrary(db, { code: "BOR", name: "Borrowing Library" });
    const source = await createSource(db, { libraryId: member.id, name: "zeb-z3950", protocol: "z39.50", endpoint: `${zebra.host}:${zebra.port}/${zebra.database}` });
    const run = await runHarvest({ db, source });
    expect(run.status === "succeeded" || run.status === "partial").toBe(true);
    api = await startApiServer(
      { db, search: { search: async () => ({ hits: [] }), healthy: async () => true }, libraryNames: cachedLibraryNames(db), liveAvailability: memberLiveAvailability(db) },
      "127.0.0.1",
      0,
    );
  }, 300_000);

  afterAll(async () => {
    await api?.close();
    await database?.dispose();
    await zebra?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("ranks copies with the status the member's system reports now", async (ctx) => {
    if (!zebra) return ctx.skip();
    const row = await database.db
      .selectFrom("items")
      .innerJoin("bib_records", "bib_records.id", "items.bib_id")
      .select("bib_records.cluster_id")
      .where("items.status", "=", "available")
      .where("items.lendable", "=", 1)
      .executeTakeFirstOrThrow();
    const response = await fetch(`${api.url}/v1/records/${row.cluster_id}/copies?borrower=BOR`);
    expect(response.status).toBe(200);
    const body = (await response.json()) as { copies: Array<{ library: string; figures: { statusAge: string } }> };
    expect(body.copies[0]?.library).toBe("ZEB");
    expect(body.copies[0]?.figures.statusAge).toMatch(/checked live/);
  });
});
