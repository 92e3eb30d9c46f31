/**
 * Records that left a member's SRU / Z39.50 target are withdrawn by the next full harvest: a real
 * Zebra (../peers/zebra.ts) loaded with the peers' 25 records, harvested into a real database, then
 * records deleted at Zebra. Failed, resumed and incremental runs withdraw nothing.
 * The run (run-harvest.ts) offers the source's local ids through `knownLocalIds`
 * (harvester/src/sources/shared/vanished-records.ts) once every page is committed.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSource, ensureLibrary, type Source } from "@interlend/db";
import { runHarvest } from "@interlend/harvester/run/run-harvest";
import { peerIds } from "@interlend/harvester/sources/shared/test-support";
import { SruSource, sruSourceOptions } from "@interlend/harvester/sources/sru/index";
import type { HarvestSource } from "@interlend/harvester/sources/types";
import { Z3950Source, z3950SourceOptions } from "@interlend/harvester/sources/z3950/index";
import { createTestDatabase, type TestDatabase } from "../support/databases.ts";
import { zebraWithPeerData, type Zebra } from "../peers/zebra.ts";

let zebra: Zebra | undefined;
let stopZebra: (() => Promise<void>) | undefined;
let database: TestDatabase;
let dir: string;
let libraryId: number;
const warnings: string[] = [];
const logger = { warn: (message: string) => void warnings.push(message) };

beforeAll(async () => {
  ({ zebra, stop: stopZebra } = await zebraWithPeerData("vanished records tests"));
  if (!zebra) return;
  dir = await mkdtemp(path.join(os.tmpdir(), "interlend-vanished-"));
  database = await createTestDatabase("sqlite");
  libraryId = (await ensureLibrary(database.db, { code: "ZEB", name: "Zebra Library" })).id;
}, 20 * 60_000);

afterAll(async () => {
  await database?.dispose();
  await stopZebra?.();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function localIds(source: Source): Promise<string[]> {
  const rows = await database.db.selectFrom("bib_records").select("local_id").where("source_id", "=", source.id).orderBy("local_id").execute();
  return rows.map((row) => row.local_id);
}

/** The first page of `adapter`, then a dropped connection. */
function failingAfterFirstPage(adapter: HarvestSource): HarvestSource {
  return {
    async *pages(context) {
      for await (const page of adapter.pages(context)) {
        yield page;
        throw new Error("connection reset by peer");
      }
    },
  };
}

/** Deletes records at Zebra (leader/05 = d, matched on 001). */
async function deleteAtZebra(...ids: string[]): Promise<void> {
  const records = ids.map(
    (id) => `<record><leader>00000dam a2200000 a 4500</leader><controlfield tag="001">${id}</controlfield></record>`,
  );
  const file = path.join(dir, `delete-${ids.join("-")}.xml`);
  await writeFile(file, `<?xml version="1.0" encoding="UTF-8"?><collection xmlns="http://www.loc.gov/MARC21/slim">${records.join("")}</collection>`);
  await zebra!.update([file]);
}

const itemBarcodes = async (source: Source): Promise<string[]> =>
  (
    await database.db
      .selectFrom("items")
      .innerJoin("bib_records", "bib_records.id", "items.bib_id")
      .select("items.barcode")
      .where("bib_records.source_id", "=", source.id)
      .execute()
  ).flatMap((row) => (row.barcode ? [row.barcode] : []));

const without = (ids: string[], ...gone: string[]): string[] => ids.filter((id) => !gone.includes(id));

describe("a full re-harvest withdraws the records that left the target", () => {
  it("SRU: only a clean full run from the start withdraws, and only what is gone", async (context) => {
    if (!zebra) return context.skip();
    const db = database.db;
    const source = await createSource(db, { libraryId, name: "zebra-sru", protocol: "sru", endpoint: zebra.sruUrl, options: { pageSize: 10 } });
    const sru = () => new SruSource({ ...sruSourceOptions(source.endpoint, { pageSize: 10 }), logger });
    const first = await runHarvest({ db, source, adapter: sru() });
    expect(first).toMatchObject({ status: "succeeded", added: 25, deleted: 0 });
    expect(await localIds(source)).toEqual(peerIds(1, 25));

    await deleteAtZebra("peer0003", "peer0007");

    // A run that fails part-way withdraws nothing; the run that resumes it neither (it did not see everything).
    const failed = await runHarvest({ db, source, adapter: failingAfterFirstPage(sru()) });
    expect(failed.status).toBe("failed");
    const resumed = await runHarvest({ db, source, adapter: sru() });
    expect(resumed).toMatchObject({ status: "succeeded", deleted: 0 });
    // An incremental run neither.
    const incremental = await runHarvest({ db, source, mode: "incremental", adapter: sru() });
    expect(incremental).toMatchObject({ status: "succeeded", deleted: 0 });
    expect(await localIds(source)).toEqual(peerIds(1, 25));

    warnings.length = 0;
    const full = await runHarvest({ db, source, adapter: sru() });
    expect(full).toMatchObject({ status: "succeeded", deleted: 2, added: 0 });
    expect(await localIds(source)).toEqual(without(peerIds(1, 25), "peer0003", "peer0007"));
    // The copies went with them (peer0003 had two, on MAIN and BRANCH).
    const barcodes = await itemBarcodes(source);
    expect(barcodes.filter((b) => /^3900[01]0000003$|^39000000007$/.test(b))).toEqual([]);
    expect(barcodes.length).toBeGreaterThan(20);
    expect(warnings).toEqual([]);

    // Nothing more is gone: the next full run withdraws nothing.
    expect(await runHarvest({ db, source, adapter: sru() })).toMatchObject({ status: "succeeded", deleted: 0 });
  });

  it("Z39.50: the same, for that source's records only", async (context) => {
    if (!zebra) return context.skip();
    const db = database.db;
    const endpoint = `${zebra.host}:${zebra.port}/${zebra.database}`;
    const source = await createSource(db, { libraryId, name: "zebra-z3950", protocol: "z39.50", endpoint });
    const z3950 = () => new Z3950Source({ ...z3950SourceOptions(endpoint, { pageSize: 10 }), logger });
    const sruSource = await db.selectFrom("sources").selectAll().where("name", "=", "zebra-sru").executeTakeFirstOrThrow();
    const sruBefore = await localIds(sruSource);

    const first = await runHarvest({ db, source, adapter: z3950() });
    expect(first).toMatchObject({ status: "succeeded", added: 23, deleted: 0 });
    await deleteAtZebra("peer0010");
    const full = await runHarvest({ db, source, adapter: z3950() });
    expect(full).toMatchObject({ status: "succeeded", deleted: 1 });
    expect(await localIds(source)).toEqual(without(peerIds(1, 25), "peer0003", "peer0007", "peer0010"));
    // The SRU source's copy of peer0010 stays until that source is harvested again.
    expect(await localIds(sruSource)).toEqual(sruBefore);
  });
});
