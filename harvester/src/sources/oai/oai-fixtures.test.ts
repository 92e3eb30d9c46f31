/**
 * Real OAI-PMH responses from other projects' test suites (/work/shared/fixtures/*, see each
 * folder's PROVENANCE.md), served over node:http and read by the real client and source.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { MarcRecord } from "../../marc/record.ts";
import { controlValue, dataFields, firstSubfield } from "../../marc/record.ts";
import type { HarvestPage, HarvestRecord } from "../types.ts";
import { harvestPages, upserts } from "../shared/test-support.ts";
import { OaiClient } from "./client.ts";
import { OaiError, OaiProtocolError } from "./errors.ts";
import { OaiPmhSource } from "./oai-source.ts";
import { readCassette } from "./test-support/cassette.ts";
import { sendXml, startTestServer, type TestServer } from "./test-support/http-server.ts";

const FIXTURES = process.env.INTERLEND_FIXTURES ?? "/work/shared/fixtures";
const present = existsSync(FIXTURES);
if (!present) console.warn(`\n!!! ${FIXTURES} is missing: the OAI-PMH fixture tests are SKIPPED !!!\n`);

const fixture = (file: string): Buffer => readFileSync(path.join(FIXTURES, file));
const quiet = { warn: () => {} };
const fast = { retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 }, logger: quiet };

let server: TestServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Serves `first` for a request without token, and the file named by `tokens[token]` after that. */
async function serve(first: string, tokens: Record<string, string> = {}, status = 200): Promise<TestServer> {
  server = await startTestServer((_request, response, url) => {
    const token = url.searchParams.get("resumptionToken");
    const file = token === null ? first : tokens[token];
    if (file === undefined) return sendXml(response, fixture("sickle/badResumptionToken.xml"));
    sendXml(response, fixture(file), status);
  });
  return server;
}

const harvest = (source: OaiPmhSource, mode: "full" | "incremental" = "full"): Promise<HarvestPage[]> =>
  harvestPages(source, { mode });
const kinds = (records: HarvestRecord[]): string[] => records.map((r) => r.kind);
const sub = (record: MarcRecord, tag: string, code: string): string | undefined => {
  const field = dataFields(record, tag)[0];
  return field && firstSubfield(field, code);
};

describe.skipIf(!present)("OAI-PMH fixtures from other projects", () => {
  it("sickle: a 4-page oai_dc chain with deleted headers, ending without a token", async () => {
    const { baseUrl, requests } = await serve("sickle/ListRecords.xml", {
      "ListRecords2.xml": "sickle/ListRecords2.xml",
      "ListRecords3.xml": "sickle/ListRecords3.xml",
      "ListRecords4.xml": "sickle/ListRecords4.xml",
    });
    const pages = await harvest(new OaiPmhSource({ baseUrl, metadataPrefix: "oai_dc", ...fast }));
    expect(pages).toHaveLength(4);
    expect(pages[0]!.expectedTotal).toBe(8); // completeListSize
    expect(pages.slice(0, 3).map((p) => kinds(p.records))).toEqual([
      ["delete", "upsert"],
      ["delete", "upsert"],
      ["delete", "upsert"],
    ]);
    // Page 4: a deleted header whose identifier and datestamp are missing → rejected, not lost.
    expect(kinds(pages[3]!.records)).toEqual(["rejected", "upsert"]);
    expect(pages[0]!.records[0]).toMatchObject({
      kind: "delete",
      localId: "oai:test.example.com:1585310",
      datestamp: "2011-07-18T16:31:00Z",
    });
    expect(pages[3]!.checkpoint).toMatchObject({
      resumptionToken: null,
      highestDatestamp: "2011-07-18T16:31:00Z",
    });
    expect(requests.map((u) => u.searchParams.get("resumptionToken"))).toEqual([
      null,
      "ListRecords2.xml",
      "ListRecords3.xml",
      "ListRecords4.xml",
    ]);
    expect(requests[0]!.searchParams.get("metadataPrefix")).toBe("oai_dc");

    // Dublin Core → minimal MARC.
    const record = upserts(pages)[0]!;
    expect(controlValue(record, "001")).toBe("oai:test.example.com:1585322");
    expect(sub(record, "245", "a")).toBe("Sample Title");
    expect(sub(record, "100", "a")).toBe("John Doe");
    expect(dataFields(record, "700")).toHaveLength(3);
    expect(sub(record, "260", "b")).toBe("Sample Publisher");
    expect(sub(record, "260", "c")).toBe("2010");
    expect(controlValue(record, "008")!.slice(7, 11)).toBe("2010");
    expect(controlValue(record, "008")!.slice(35, 38)).toBe("eng");
    expect(record.leader[6]).toBe("a");
  });

  it("sickle: noRecordsMatch is a success with zero records", async () => {
    const { baseUrl } = await serve("sickle/noRecordsMatch.xml");
    const pages = await harvest(new OaiPmhSource({ baseUrl, ...fast }));
    expect(pages).toHaveLength(1);
    expect(pages[0]!.records).toEqual([]);
    expect(pages[0]!.checkpoint).toMatchObject({ resumptionToken: null });
  });

  it.each([
    ["sickle/badArgument.xml", "badArgument"],
    ["sickle/cannotDisseminateFormat.xml", "cannotDisseminateFormat"],
    ["sickle/idDoesNotExist.xml", "idDoesNotExist"],
    ["sickle/noSetHierarchy.xml", "noSetHierarchy"],
    ["sickle/undefinedError.xml", "undefinedError"],
    ["phpoaipmh/BadResponseNonExistentVerb.xml", "badVerb"],
    ["melinda-oai-pmh-provider/common-00.xml", "badVerb"],
    ["melinda-oai-pmh-provider/GetRecord-002.xml", "cannotDisseminateFormat"],
    ["vufindharvest/arbitrary_error_response.xml", "foo"],
  ])("%s fails the run with OaiError %s", async (file, code) => {
    const { baseUrl } = await serve(file);
    const error = await harvest(new OaiPmhSource({ baseUrl, ...fast })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OaiError);
    expect((error as OaiError).code).toBe(code);
  });

  it("sickle: 'broken xml' is a protocol error", async () => {
    const { baseUrl } = await serve("sickle/ListRecordsBroken.xml");
    await expect(harvest(new OaiPmhSource({ baseUrl, ...fast }))).rejects.toBeInstanceOf(OaiProtocolError);
  });

  it("sickle: Identify, ListSets (131 hierarchical sets), ListMetadataFormats", async () => {
    server = await startTestServer((_request, response, url) => {
      const verb = url.searchParams.get("verb");
      sendXml(response, fixture(`sickle/${verb}.xml`));
    });
    const client = new OaiClient({ baseUrl: server.baseUrl, ...fast });
    const identify = await client.identify();
    expect(identify).toMatchObject({
      repositoryName: "A Test Repository",
      granularity: "YYYY-MM-DD",
      deletedRecord: "persistent",
      earliestDatestamp: "1970-01-01T00:00:00Z",
      responseDate: "2013-02-27T10:01:15Z",
    });
    const sets = await client.listSets();
    expect(sets).toHaveLength(131);
    expect(sets.some((set) => set.setSpec.includes(":"))).toBe(true);
    const formats = await client.listMetadataFormats();
    expect(formats.map((f) => f.metadataPrefix)).toContain("oai_dc");
    client.close();
  });

  it("vufindharvest: Alma marc21 page of 100 MARCXML records; OAI id becomes 001, the bib id a 035", async () => {
    const { baseUrl } = await serve("vufindharvest/marc.xml");
    const client = new OaiClient({ baseUrl, ...fast });
    const page = await client.listRecordsPage(
      { metadataPrefix: "marc21", set: "TESTING_DIGI_TEST" },
      (r) => r,
    );
    client.close();
    expect(page.items).toHaveLength(100);
    expect(page.token?.value).toBe("fakeresumptiontoken");
    expect(page.items.every((r) => r.metadata?.format === "marc" && r.metadata.parsed.ok)).toBe(true);
    expect(page.items[0]!.header).toMatchObject({
      identifier: "oai:urm_publish:9925821506101791",
      setSpecs: ["TESTING_DIGI_TEST", "TESTING_DIGI"],
    });

    await server!.close();
    const { baseUrl: chained } = await serve("vufindharvest/marc.xml", {
      fakeresumptiontoken: "mod-reservoir/oai-response-2.xml",
    });
    const pages = await harvest(new OaiPmhSource({ baseUrl: chained, metadataPrefix: "marc21", ...fast }));
    expect(pages.map((p) => p.records.length)).toEqual([100, 0]); // the continuation answers noRecordsMatch
    const record = upserts(pages)[0]!;
    expect(controlValue(record, "001")).toBe("oai:urm_publish:9925821506101791");
    expect(dataFields(record, "035").map((f) => firstSubfield(f, "a"))).toContain("9925821506101791");
    expect(record.fields.findIndex((f) => f.tag === "001")).toBe(0);
  });

  it("phpoaipmh: 4 ListIdentifiers pages, the last with an empty self-closing token, 733 headers", async () => {
    const { baseUrl } = await serve("phpoaipmh/GoodResponseFourPage_1.xml", {
      "0/200/733/nsdl_dc/null/2012-07-26/null": "phpoaipmh/GoodResponseFourPage_2.xml",
      "200/400/733/nsdl_dc/null/2012-07-26/null": "phpoaipmh/GoodResponseFourPage_3.xml",
      "400/600/733/nsdl_dc/null/2012-07-26/null": "phpoaipmh/GoodResponseFourPage_4.xml",
    });
    const client = new OaiClient({ baseUrl, ...fast });
    let page = await client.listIdentifiersPage({ metadataPrefix: "nsdl_dc", from: "2012-07-26" });
    const counts = [page.items.length];
    expect(page.token).toMatchObject({ completeListSize: 733, cursor: 0 });
    while (page.token?.value) {
      page = await client.listIdentifiersPage({ resumptionToken: page.token.value });
      counts.push(page.items.length);
    }
    client.close();
    expect(counts).toEqual([200, 200, 200, 133]);
    expect(page.token).toMatchObject({ value: "", completeListSize: 733, cursor: 600 });
  });

  it("phpoaipmh: a 544 KB single page of 162 nsdl_dc records is streamed (unsupported format → rejected)", async () => {
    const { baseUrl } = await serve("phpoaipmh/GoodResponseSinglePage.xml");
    const pages = await harvest(new OaiPmhSource({ baseUrl, metadataPrefix: "nsdl_dc", ...fast }));
    expect(pages).toHaveLength(1);
    expect(pages[0]!.records).toHaveLength(162);
    expect(new Set(kinds(pages[0]!.records))).toEqual(new Set(["rejected"]));
    expect(pages[0]!.records[0]).toMatchObject({
      reason: expect.stringContaining("unsupported metadata <nsdl_dc>") as unknown,
    });
  });

  it("pyoai: a real DSpace oai_dc ListRecords page and Identify", async () => {
    server = await startTestServer((_request, response, url) => {
      const verb = url.searchParams.get("verb");
      sendXml(
        response,
        fixture(verb === "Identify" ? "pyoai/fake1-00001-Identify.xml" : "pyoai/fake1-00005-ListRecords.xml"),
      );
    });
    const source = new OaiPmhSource({ baseUrl: server.baseUrl, metadataPrefix: "oai_dc", ...fast });
    const pages: HarvestPage[] = [];
    for await (const page of source.pages({
      mode: "incremental",
      resumeFrom: null,
      lastSuccessAt: "2003-04-10T00:00:00.000Z",
    })) {
      pages.push(page);
    }
    expect(server.requests[0]!.searchParams.get("verb")).toBe("Identify");
    expect(server.requests[1]!.searchParams.get("from")).toMatch(/^2003-04-10/);
    expect(pages[0]!.records).toHaveLength(16);
    expect(upserts(pages).every((r) => sub(r, "245", "a"))).toBe(true);
  });

  it("mod-reservoir: POD marc21 page with a deleted header and 3 MARC records", async () => {
    const { baseUrl } = await serve("mod-reservoir/oai-response-1.xml", {
      MzM5OzE7Ozt2MS4w: "mod-reservoir/oai-response-2.xml",
    });
    const pages = await harvest(new OaiPmhSource({ baseUrl, metadataPrefix: "marc21", set: "339", ...fast }));
    expect(pages.map((p) => kinds(p.records))).toEqual([["delete", "upsert", "upsert", "upsert"], []]);
    expect(pages[0]!.records[0]).toMatchObject({ kind: "delete", localId: "998212783503681" });
    const first = upserts(pages)[0]!;
    expect(controlValue(first, "001")).toBe("9977919382003681"); // OAI id equals the bib id: no 035 added
    expect(pages[1]!.checkpoint).toMatchObject({
      set: "339",
      resumptionToken: null,
      highestDatestamp: "2022-05-03",
    });
  });

  it("mod-reservoir: adversarial duplicates and mixed content", async () => {
    const { baseUrl } = await serve("mod-reservoir/oai-response-3.xml");
    const client = new OaiClient({ baseUrl, ...fast });
    const page = await client.listRecordsPage({ metadataPrefix: "marc21" }, (r) => r);
    expect(page.items).toHaveLength(1);
    expect(page.items[0]!.header).toMatchObject({
      identifier: "998212783503681",
      datestamp: "2022-05-03",
      deleted: true,
    });
    expect(page.token?.value).toBe("MzM5OzE7Ozt2MS4w");
    await server!.close();
    server = await startTestServer((_q, response) =>
      sendXml(response, fixture("mod-reservoir/oai-response-4.xml")),
    );
    const ids = await new OaiClient({ baseUrl: server.baseUrl, ...fast }).listIdentifiersPage({
      metadataPrefix: "marc21",
    });
    expect(ids.items.map((h) => h.identifier)).toEqual([
      "998212783503681",
      "9977919382003681",
      "9977924842403681",
      "9977648149503681",
    ]);
    expect(ids.items[0]!.deleted).toBe(true);
    client.close();
  });

  it("natlibfi: marc21 without the MARC namespace, .000Z datestamps, as the expected MARC-in-JSON", async () => {
    const { baseUrl } = await serve("natlibfi-oai-pmh-client-js/case05-response01.xml", {
      foobar: "natlibfi-oai-pmh-client-js/case05-response02.xml",
    });
    const client = new OaiClient({ baseUrl, ...fast });
    const got: Array<{ identifier: string; datestamp: string; record?: MarcRecord }> = [];
    let page = await client.listRecordsPage({ metadataPrefix: "foo" }, (r) => r);
    const all = [...page.items];
    while (page.token?.value) {
      page = await client.listRecordsPage({ resumptionToken: page.token.value }, (r) => r);
      all.push(...page.items);
    }
    client.close();
    for (const r of all) {
      if (r.header.deleted) continue; // the expected file filters deleted records
      const parsed = r.metadata?.format === "marc" ? r.metadata.parsed : undefined;
      got.push({
        identifier: r.header.identifier,
        datestamp: r.header.datestamp,
        record: parsed?.ok ? parsed.record : undefined,
      });
    }
    type Expected = Array<{
      header: { identifier: string; datestamp: string };
      metadata: {
        leader: string;
        fields: Array<{
          tag: string;
          value?: string;
          ind1?: string;
          ind2?: string;
          subfields?: Array<{ code: string; value: string }>;
        }>;
      };
    }>;
    const expected = JSON.parse(
      fixture("natlibfi-oai-pmh-client-js/case05-expected-records.json").toString(),
    ) as Expected;
    expect(got.map((g) => g.identifier)).toEqual(expected.map((e) => e.header.identifier));
    expect(got.map((g) => g.datestamp)).toEqual(expected.map((e) => e.header.datestamp));
    got.forEach((g, i) => {
      const want = expected[i]!.metadata.fields.map((f) =>
        f.subfields
          ? {
              tag: f.tag,
              ind1: f.ind1 ?? " ",
              ind2: f.ind2 ?? " ",
              subfields: f.subfields.map((s) => [s.code, s.value]),
            }
          : { tag: f.tag, value: f.value },
      );
      expect(g.record?.fields).toEqual(want);
    });
  });

  it("melinda: ListRecords first page with a token, then badResumptionToken → restart from `from`, bounded", async () => {
    const { baseUrl, requests } = await serve("melinda-oai-pmh-provider/ListRecords-011.xml", {});
    const warnings: string[] = [];
    const source = new OaiPmhSource({
      baseUrl,
      maxRestarts: 2,
      ...fast,
      logger: { warn: (m) => warnings.push(m) },
    });
    const error = await harvest(source).catch((e: unknown) => e);
    expect((error as OaiError).code).toBe("badResumptionToken");
    // first list + 2 restarts, each: page 1 then the bad token
    expect(requests.filter((u) => !u.searchParams.has("resumptionToken"))).toHaveLength(3);
    expect(warnings.filter((w) => w.includes("badResumptionToken"))).toHaveLength(2);
  });

  describe("oaipmh-scythe: recorded Zenodo exchanges (HTTP 422 with OAI errors)", () => {
    async function replay(cassette: string): Promise<TestServer> {
      const interactions = readCassette(path.join(FIXTURES, "oaipmh-scythe", cassette));
      server = await startTestServer((_request, response, url) => {
        const wanted = [...url.searchParams.entries()].sort().join("&");
        const match = interactions.find((i) => {
          const recorded = new URL(i.uri);
          return [...recorded.searchParams.entries()].sort().join("&") === wanted;
        });
        if (!match) return sendXml(response, "no such recording", 404);
        sendXml(response, match.body, match.status);
      });
      return server;
    }

    it("422 noRecordsMatch (late from, unknown set) is zero records; 422 cannotDisseminateFormat fails", async () => {
      const { baseUrl } = await replay("list_records.yaml");
      const client = new OaiClient({ baseUrl, ...fast });
      const none = await client.listRecordsPage({ metadataPrefix: "oai_dc", from: "2030-01-01" }, (r) => r);
      expect(none).toMatchObject({ items: [], noRecordsMatch: true });
      const badPrefix = await client
        .listRecordsPage({ metadataPrefix: "XXX" }, (r) => r)
        .catch((e: unknown) => e);
      expect(badPrefix).toBeInstanceOf(OaiError);
      expect((badPrefix as OaiError).httpStatus).toBe(422);
      // Zenodo answers an unknown set with 422 noRecordsMatch, which is an empty success.
      const badSet = await client.listRecordsPage({ metadataPrefix: "oai_dc", set: "XXX" }, (r) => r);
      expect(badSet).toMatchObject({ items: [], noRecordsMatch: true });
      const page = await client.listRecordsPage({ metadataPrefix: "oai_dc", from: "2026-04-01" }, (r) => r);
      expect(page.items.length).toBeGreaterThan(0);
      expect(page.token?.value).toBeTruthy();
      client.close();
    });

    it("422 badResumptionToken (ListSets) and idDoesNotExist are read from the error body", async () => {
      const { baseUrl } = await replay("list_sets.yaml");
      const client = new OaiClient({ baseUrl, ...fast });
      const sets = await client.listSets().catch((e: unknown) => e);
      // The recording's second page is the bad token XXX; whatever the chain, errors keep their code.
      if (sets instanceof OaiError) expect(sets.code).toBe("badResumptionToken");
      else expect((sets as unknown[]).length).toBeGreaterThan(0);
      client.close();
      await server!.close();
      const { baseUrl: other } = await replay("list_metadata_formats.yaml");
      const c2 = new OaiClient({ baseUrl: other, ...fast });
      const error = await c2.listMetadataFormats("oai:zenodo.org:XXX").catch((e: unknown) => e);
      expect((error as OaiError).code).toBe("idDoesNotExist");
      c2.close();
    });

    it("an HTML page instead of OAI-PMH is a protocol error; real Identify responses parse", async () => {
      const interactions = readCassette(path.join(FIXTURES, "oaipmh-scythe", "identify.yaml"));
      const html = interactions.find((i) => i.uri.includes("httpbun"))!;
      const zenodo = interactions.find((i) => i.uri.includes("zenodo"))!;
      server = await startTestServer((_request, response, url) =>
        sendXml(response, url.pathname === "/html" ? html.body : zenodo.body, 200),
      );
      const bad = new OaiClient({ baseUrl: server.baseUrl.replace("/oai", "/html"), ...fast });
      await expect(bad.identify()).rejects.toBeInstanceOf(OaiProtocolError);
      const good = new OaiClient({ baseUrl: server.baseUrl, ...fast });
      const identify = await good.identify();
      expect(identify.repositoryName).toMatch(/zenodo/i);
      expect(identify.granularity).toBe("YYYY-MM-DDThh:mm:ssZ");
      bad.close();
      good.close();
    });
  });
});
