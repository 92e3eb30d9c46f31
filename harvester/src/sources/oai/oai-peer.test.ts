/**
 * Against a real third-party OAI-PMH provider (Perl Dancer::Plugin::Catmandu::OAI, started by
 * ../shared/peers/oai-provider.sh). Skipped with a loud warning when its Debian packages cannot
 * be installed — except in CI (CI=true), where that is a failure.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  makePeerTestData,
  OaiProviderUnavailableError, PeersFolderMissingError,
  startOaiProvider,
  type OaiProvider,
} from "../../../../test/peers/oai-provider.ts";
import { controlValue, dataFields, firstSubfield } from "../../marc/record.ts";
import type { HarvestPage, HarvestRecord } from "../types.ts";
import { harvestPages as harvest } from "../shared/test-support.ts";
import { OaiClient } from "./client.ts";
import { OaiError } from "./errors.ts";
import { OaiPmhSource } from "./oai-source.ts";

const CI = process.env.CI === "true";
let peer: OaiProvider | undefined;
let data = "";
let unavailable: string | undefined;

beforeAll(async () => {
  data = await mkdtemp(path.join(os.tmpdir(), "interlend-oai-data-"));
  try {
    await makePeerTestData(data);
    // Datestamps are load times, so an incremental harvest sees exactly what changed after it.
    peer = await startOaiProvider({
      marcFiles: [path.join(data, "peer.xml")],
      pageSize: 10,
      datestamp: "now",
    });
  } catch (error) {
    const skippable = error instanceof PeersFolderMissingError || (!CI && error instanceof OaiProviderUnavailableError);
    if (!skippable) throw error;
    unavailable = error.message;
    console.warn(`\n!!! OAI-PMH peer tests SKIPPED: ${unavailable} !!!\n`);
  }
}, 20 * 60_000);

afterAll(async () => {
  await peer?.stop();
  if (data) await rm(data, { recursive: true, force: true });
});

const all = (pages: HarvestPage[]): HarvestRecord[] => pages.flatMap((p) => p.records);
const localIdOf = (r: HarvestRecord): string | undefined =>
  r.kind === "upsert" ? controlValue(r.record, "001") : r.kind === "delete" ? r.localId : r.localId;

describe("OAI-PMH against the Catmandu/Dancer provider", () => {
  it("Identify, ListMetadataFormats, ListSets and the standard errors", async (context) => {
    if (!peer) return context.skip();
    const client = new OaiClient({ baseUrl: peer.baseUrl });
    const identify = await client.identify();
    expect(identify).toMatchObject({ granularity: "YYYY-MM-DDThh:mm:ssZ", deletedRecord: "persistent" });
    expect((await client.listMetadataFormats()).map((f) => f.metadataPrefix).sort()).toEqual([
      "marc21",
      "marcxml",
      "oai_dc",
    ]);
    expect((await client.listSets()).map((s) => s.setSpec)).toEqual(
      expect.arrayContaining(["MAIN", "BRANCH"]),
    );
    const error = await client.listRecordsPage({ metadataPrefix: "nope" }, (r) => r).catch((e: unknown) => e);
    expect((error as OaiError).code).toBe("cannotDisseminateFormat");
    const none = await client.listRecordsPage(
      { metadataPrefix: "marc21", from: "2999-01-01T00:00:00Z" },
      (r) => r,
    );
    expect(none).toMatchObject({ items: [], noRecordsMatch: true });
    client.close();
  });

  it("full harvest over pages, then an incremental one sees 1 changed, 2 deleted, 1 new", async (context) => {
    if (!peer) return context.skip();
    await sleep(1_100); // datestamps have second granularity: keep the load and the run apart
    const fullStart = new Date().toISOString();
    const source = new OaiPmhSource({ baseUrl: peer.baseUrl, metadataPrefix: "marc21" });
    const full = await harvest(source, {});
    expect(full.map((p) => p.records.length)).toEqual([10, 10, 5]);
    const records = all(full);
    expect(records.every((r) => r.kind === "upsert")).toBe(true);
    expect(new Set(records.map(localIdOf))).toEqual(
      new Set(Array.from({ length: 25 }, (_, i) => `oai:peer.test:peer${String(i + 1).padStart(4, "0")}`)),
    );
    const first = records.find((r) => localIdOf(r) === "oai:peer.test:peer0001");
    if (first?.kind !== "upsert") throw new Error("peer0001 missing");
    expect(dataFields(first.record, "952").length).toBeGreaterThan(0); // holdings come through
    expect(dataFields(first.record, "035").map((f) => firstSubfield(f, "a"))).toContain("(XX-PEER)peer0001");
    expect(full[2]!.checkpoint).toMatchObject({
      resumptionToken: null,
      metadataPrefix: "marc21",
      from: null,
    });
    expect(full[0]!.checkpoint.resumptionToken).toBeTruthy();

    await sleep(1_100);
    await peer.update([path.join(data, "update.xml")]); // peer0001 changed, peer0002 deleted (leader/05), peer0100 new
    await peer.delete(["peer0003"]);

    const incremental = await harvest(source, { mode: "incremental", lastSuccessAt: fullStart });
    const changes = all(incremental);
    const byKind = (kind: string): string[] =>
      changes
        .filter((r) => r.kind === kind)
        .map((r) => localIdOf(r)!)
        .sort();
    expect(byKind("upsert")).toEqual(["oai:peer.test:peer0001", "oai:peer.test:peer0100"]);
    expect(byKind("delete")).toEqual(["oai:peer.test:peer0002", "oai:peer.test:peer0003"]);
    expect(byKind("rejected")).toEqual([]);
    const last = incremental[incremental.length - 1]!.checkpoint;
    expect(last.from).toBe(`${fullStart.slice(0, 19)}Z`);
    expect(String(last.highestDatestamp) >= String(last.from)).toBe(true);
  }, 120_000);

  it("oai_dc from the same provider maps to minimal MARC", async (context) => {
    if (!peer) return context.skip();
    const pages = await harvest(new OaiPmhSource({ baseUrl: peer.baseUrl, metadataPrefix: "oai_dc" }), {});
    const upserts = all(pages).flatMap((r) => (r.kind === "upsert" ? [r.record] : []));
    expect(upserts.length).toBeGreaterThanOrEqual(24);
    const record = upserts.find((r) => controlValue(r, "001") === "oai:peer.test:peer0004")!;
    expect(firstSubfield(dataFields(record, "245")[0]!, "a")).toMatch(/Les misérables/);
    expect(firstSubfield(dataFields(record, "100")[0]!, "a")).toBe("Hugo, Victor");
    expect(dataFields(record, "020").length).toBe(1);
  }, 60_000);
});
