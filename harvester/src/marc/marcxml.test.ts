import { createReadStream } from "node:fs";
import { SaxesParser } from "saxes";
import { describe, expect, it } from "vitest";
import {
  chunked,
  collect,
  fixture,
  FIXTURES_NOTE,
  HAVE_FIXTURES,
  okRecords,
  readIsoFixture,
  readXmlFixture,
  rejections,
  values,
} from "./fixtures.test-support.ts";
import { MarcXmlRecordBuilder, readMarcXml } from "./marcxml.ts";
import type { ParsedRecord } from "./parsed.ts";
import { controlValue, dataFields, isControlField, type MarcRecord } from "./record.ts";
import { MARCXML_COLLECTION_CLOSE, MARCXML_COLLECTION_OPEN, toMarcXmlRecord } from "./writers.ts";

const readString = (xml: string, chunkSize = 1 << 20): Promise<ParsedRecord[]> =>
  collect(readMarcXml(chunked(xml, chunkSize)));

const record = (id: string, title: string): string =>
  `<record><leader>00000nam a2200000 a 4500</leader><controlfield tag="001">${id}</controlfield>` +
  `<datafield tag="245" ind1="1" ind2="0"><subfield code="a">${title}</subfield></datafield></record>`;

describe("readMarcXml", () => {
  it("reads a collection, with or without prefix and namespace", async () => {
    const plain = await readString(`<collection>${record("1", "One")}${record("2", "Two")}</collection>`);
    const prefixed = await readString(
      `<?xml version="1.0"?>\n<marc:collection xmlns:marc="http://www.loc.gov/MARC21/slim">\n  ` +
        record("1", "One").replaceAll("<", "<marc:").replaceAll("<marc:/", "</marc:") +
        "\n" +
        record("2", "Two").replaceAll("<", "<marc:").replaceAll("<marc:/", "</marc:") +
        "\n</marc:collection>",
    );
    expect(okRecords(plain).map((r) => values(r, "245", "a")[0])).toEqual(["One", "Two"]);
    expect(prefixed).toEqual(plain);
    expect(plain.map((r) => r.position)).toEqual([0, 1]);
  });

  it("reads a single <record> document, entities and character references decoded", async () => {
    const [parsed] = await readString(record("x", "Tom &amp; Jerry &#x263A; &lt;1&gt;"));
    expect(parsed).toMatchObject({ ok: true });
    expect(values((parsed as { record: MarcRecord }).record, "245", "a")).toEqual(["Tom & Jerry ☺ <1>"]);
  });

  it("refuses DTDs: a billion-laughs document is rejected at once", async () => {
    const lol = Array.from({ length: 9 }, (_, i) => `<!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`).join(
      "",
    );
    const bomb = `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol0 "lol">${lol}]><collection><record><leader>&lol9;</leader></record></collection>`;
    const started = performance.now();
    const results = await readString(bomb);
    expect(performance.now() - started).toBeLessThan(1000);
    expect(results).toEqual([{ ok: false, position: 0, reason: expect.stringMatching(/DOCTYPE/) }]);
    const external = `<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]><record><leader>&x;</leader></record>`;
    expect(await readString(external, 5)).toEqual([
      { ok: false, position: 0, reason: expect.stringMatching(/DOCTYPE/) },
    ]);
  });

  it("rejects an undefined entity without throwing", async () => {
    const results = await readString(`<collection>${record("1", "ok")}${record("2", "&nbsp;")}</collection>`);
    expect(results[0]).toMatchObject({ ok: true, position: 0 });
    expect(results[1]).toMatchObject({
      ok: false,
      position: 1,
      reason: expect.stringMatching(/undefined entity/),
    });
    expect(results).toHaveLength(2);
  });

  it("ends with one rejection when the XML stops being well-formed", async () => {
    const results = await readString(
      `<collection>${record("1", "a")}${record("2", "b")}<record><leader>x</lead`,
    );
    expect(results.map((r) => r.ok)).toEqual([true, true, false]);
    expect(results[2]).toMatchObject({
      position: 2,
      reason: expect.stringMatching(/^XML is not well-formed: /),
    });
  });

  it("rejects a malformed record and carries on with the next one", async () => {
    const bad = `<record><controlfield tag="001">b</controlfield><datafield tag="245"><subfield>no code</subfield></datafield></record>`;
    const results = await readString(`<collection>${record("a", "A")}${bad}${record("c", "C")}</collection>`);
    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    expect(rejections(results)).toEqual([
      { position: 1, reason: "<subfield> without a code attribute in field 245 (record b)" },
    ]);
  });

  it("gives the same result for any chunking, even inside multibyte characters", async () => {
    const xml = `<collection>${record("1", "한국어 漢字 Ærø")}${record("2", "𝄞 music")}</collection>`;
    const whole = await readString(xml);
    for (const size of [1, 2, 3, 5, 64]) expect(await readString(xml, size)).toEqual(whole);
    expect(values((whole[1] as { record: MarcRecord }).record, "245", "a")).toEqual(["𝄞 music"]);
  });

  it("honours an ISO-8859-1 encoding declaration", async () => {
    const latin = Buffer.concat([
      Buffer.from('<?xml version="1.0" encoding="ISO-8859-1"?>'.padEnd(300, " ")),
      Buffer.from(record("1", "Genevi\xe8ve"), "latin1"),
    ]);
    const [parsed] = await collect(readMarcXml(chunked(latin, 100)));
    expect(values((parsed as { record: MarcRecord }).record, "245", "a")).toEqual(["Geneviève"]);
  });

  it("reads a record with 10,000 datafields", async () => {
    const fields = Array.from(
      { length: 10_000 },
      (_, i) => `<datafield tag="952" ind1=" " ind2=" "><subfield code="p">${i}</subfield></datafield>`,
    );
    const started = performance.now();
    const [parsed] = await readString(
      `<record><leader>00000nam a2200000 a 4500</leader>${fields.join("")}</record>`,
    );
    expect(performance.now() - started).toBeLessThan(2000);
    expect((parsed as { record: MarcRecord }).record.fields).toHaveLength(10_000);
  });
});

describe("MarcXmlRecordBuilder", () => {
  it("builds records from an outer parser's events (OAI-PMH delegation)", () => {
    const builder = new MarcXmlRecordBuilder({ firstPosition: 10 });
    const outer = new SaxesParser({ xmlns: true });
    const results: ParsedRecord[] = [];
    let inMetadata = 0;
    outer.on("opentag", (tag) => {
      if (inMetadata > 0) {
        inMetadata++;
        const attributes = Object.fromEntries(Object.values(tag.attributes).map((a) => [a.local, a.value]));
        builder.openTag(tag.local, attributes);
      } else if (tag.local === "metadata") {
        inMetadata = 1;
      }
    });
    outer.on("text", (text) => {
      if (inMetadata > 0) builder.text(text);
    });
    outer.on("closetag", (tag) => {
      if (inMetadata === 0) return;
      inMetadata--;
      if (inMetadata === 0) return;
      const parsed = builder.closeTag(tag.local);
      if (parsed) results.push(parsed);
    });
    outer.write(
      `<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><ListRecords>` +
        `<record><header><identifier>oai:1</identifier></header><metadata>` +
        `<marc:record xmlns:marc="http://www.loc.gov/MARC21/slim"><marc:leader>00000nam a2200000 a 4500</marc:leader>` +
        `<marc:controlfield tag="001">one</marc:controlfield></marc:record></metadata></record>` +
        `<record><header status="deleted"><identifier>oai:2</identifier></header></record>` +
        `<record><header><identifier>oai:3</identifier></header><metadata>${record("three", "Three")}</metadata></record>` +
        `</ListRecords></OAI-PMH>`,
    );
    outer.close();
    expect(results.map((r) => r.ok && controlValue(r.record, "001"))).toEqual(["one", "three"]);
    expect(results.map((r) => r.position)).toEqual([10, 11]);
  });

  it("rejects a record cut short when the outer document ends (abort)", () => {
    const builder = new MarcXmlRecordBuilder();
    expect(builder.abort("nothing open")).toBeUndefined();
    builder.openTag("record", {});
    builder.openTag("controlfield", { tag: "001" });
    builder.text("cut");
    builder.closeTag("controlfield");
    expect(builder.inRecord).toBe(true);
    expect(builder.abort("the response ended inside a record")).toEqual({
      ok: false,
      position: 0,
      reason: "the response ended inside a record (record cut)",
    });
    expect(builder.inRecord).toBe(false);
    expect(builder.nextPosition).toBe(1);
  });
});

describe.skipIf(!HAVE_FIXTURES)(`MARCXML fixtures${FIXTURES_NOTE}`, () => {
  it("marc-perl: prefixed and unprefixed batches are the same 10 records", async () => {
    const plain = okRecords(await readXmlFixture("marc-perl/marc-xml-batch.xml"));
    const prefixed = okRecords(await readXmlFixture("marc-perl/marc-xml-batch-ns.xml"));
    expect(plain).toHaveLength(10);
    expect(prefixed).toEqual(plain);
    expect(controlValue(plain[0]!, "001")).toBe("fol05731351 ");
  });

  it("marc4j: collection, single <record> root, type attributes", async () => {
    const chabon = okRecords(await readXmlFixture("marc4j/chabon.xml"));
    expect(chabon.map((r) => values(r, "245", "a")[0])).toEqual([
      "The amazing adventures of Kavalier and Clay :",
      "Summerland /",
    ]);
    expect(okRecords(await readXmlFixture("marc4j/chabon-record-type.xml"))).toEqual(chabon);
    expect(okRecords(await readXmlFixture("marc4j/chabon-record-type-bad.xml"))).toEqual(chabon);
    const single = okRecords(await readXmlFixture("marc4j/summerland-record.xml"));
    expect(single.map((r) => r.fields)).toEqual(
      okRecords(await readXmlFixture("marc4j/summerland.xml")).map((r) => r.fields),
    );
  });

  it("marc4j: missing indicator attributes read as blanks", async () => {
    const [indicatorless] = okRecords(
      await readXmlFixture("marc4j/cruel-cruel-indicatorless-summerland.xml"),
    );
    expect(dataFields(indicatorless!, "911")[0]).toMatchObject({ ind1: " ", ind2: " " });
  });

  it.each([
    ["marc4j/chabon-missing-controlfield-tag.xml", /<controlfield> with no tag attribute/],
    ["marc4j/chabon-missing-datafield-tag.xml", /<subfields>|<datafield> with no tag attribute/],
    ["marc4j/chabon-missing-subfield-code.xml", /<subfield> without a code attribute/],
    ["marc4j/chabon-bad-subfields-element.xml", /unexpected element <subfields>/],
    ["mod-reservoir/bad-marcxml.xml", /<subfield> outside a <datafield>/],
    ["marc-perl/marc-xml-empty-record.xml", /no fields/],
    ["marc-perl/marc-xml-empty-record-2.xml", /no fields/],
  ])("%s is rejected with a reason", async (file, reason) => {
    const results = await readXmlFixture(file);
    expect(results).toEqual([{ ok: false, position: 0, reason: expect.stringMatching(reason) }]);
  });

  it.each([
    ["mod-reservoir/bad.xml", /disallowed character in tag name/],
    ["mod-reservoir/small-bad-entities.xml", /malformed character entity/], // &#31; is not XML 1.0
    ["mod-reservoir/marc1-delete.xml", /malformed character entity/], // &#1; in 010 $a
  ])("%s is not well-formed: one rejection, no exception", async (file, reason) => {
    const results = await readXmlFixture(file);
    expect(results).toEqual([{ ok: false, position: 0, reason: expect.stringMatching(reason) }]);
  });

  it("catmandu broken.xml: the record with an empty datafield is rejected, the other 9 are read", async () => {
    const results = await readXmlFixture("catmandu-marc/broken.xml");
    expect(okRecords(results)).toHaveLength(9);
    expect(rejections(results)).toEqual([
      { position: 0, reason: "datafield 082 has no subfields (record fol05731351)" },
    ]);
  });

  it("Koha export: extra <identifier>/<datestamp> are skipped, a comment before the root ignored", async () => {
    const [koha] = okRecords(await readXmlFixture("marc4j/1474920681_KOHA_LFL_5.xml"));
    const [withComment] = okRecords(await readXmlFixture("marc4j/1474920681_KOHA_LFL_6_with_comment.xml"));
    expect(controlValue(koha!, "001")).toBe("121564");
    expect(koha!.fields.map((f) => f.tag)).not.toContain("identifier");
    expect(dataFields(koha!, "942", "999")).toHaveLength(2); // Koha's item type and biblionumber fields
    expect(withComment).toEqual(koha);
  });

  it("OAI-PMH response files: the MARC records inside the envelopes are read", async () => {
    const results = await readXmlFixture("mod-reservoir/oai-response-1.xml");
    expect(okRecords(results).map((r) => controlValue(r, "001"))).toEqual([
      "9977919382003681",
      "9977924842403681",
      "9977648149503681",
    ]);
    expect(rejections(results)).toEqual([{ position: 0, reason: "record has no fields" }]); // the deleted header
  });

  it("odd but readable records: no-namespace record, $0, 2-digit tags, short leaders, escaped leaders", async () => {
    const [subfield0] = okRecords(await readXmlFixture("marc-perl/marc-xml-subfield0.xml"));
    expect(values(subfield0!, "245", "0")).toEqual(["subfield $0 contents"]);
    const [namespaced] = okRecords(await readXmlFixture("marc-perl/marc-xml-namespace.xml"));
    expect(values(namespaced!, "022", "a")).toEqual(["0148-2076"]);
    expect(dataFields(namespaced!, "022")[0]).toMatchObject({ ind1: " ", ind2: " " }); // ind1="" ind2=""
    for (const file of ["ruby-marc/no-leading-zero.xml", "pymarc/bad_tag.xml"]) {
      const [parsed] = okRecords(await readXmlFixture(file));
      expect(values(parsed!, "042", "a")).toEqual(["dc"]);
      expect(parsed!.leader).toHaveLength(24);
      expect(values(parsed!, "245", "b")).toEqual([""]);
    }
    const [messed] = okRecords(await readXmlFixture("ruby-marc/messed_up_leader.xml"));
    expect(messed!.leader).toBe("01301nam a22003618< 4500");
    const [utf8] = okRecords(await readXmlFixture("pymarc/utf8.xml"));
    expect(utf8!.leader[9]).toBe("a");
  });

  it("non-Latin scripts: Korean, Tifinagh", async () => {
    const [korean] = okRecords(await readXmlFixture("catmandu-marc/marc.xml"));
    expect(JSON.stringify(korean!.fields)).toMatch(/[\uac00-\ud7a3]/);
    const [tifinagh] = okRecords(await readXmlFixture("marc4j/azdoud.xml"));
    expect(values(tifinagh!, "880", "a").join()).toMatch(/[\u2d30-\u2d7f]/);
  });

  it("reads the remaining MARCXML fixtures completely", async () => {
    const expected: Record<string, number> = {
      "pymarc/batch.xml": 2,
      "mod-reservoir/record10.xml": 10,
      "mod-reservoir/marc3-no-id.xml": 3,
      "ruby-marc/one.xml": 1,
      "ruby-marc/non-numeric.xml": 1,
      "marc4j/summerlandwith710.xml": 1,
      "marcjs/bib.xml": 6,
      "mod-reservoir/small.xml": 0,
    };
    for (const [file, count] of Object.entries(expected)) {
      const results = await readXmlFixture(file);
      expect([file, results.length, rejections(results)]).toEqual([file, count, []]);
    }
    const noId = okRecords(await readXmlFixture("mod-reservoir/marc3-no-id.xml"));
    expect(noId.filter((r) => controlValue(r, "001") === undefined)).toHaveLength(1);
  });

  it("round-trips fixture records through toMarcXmlRecord", async () => {
    const records = [
      ...okRecords(await readXmlFixture("marc-perl/marc-xml-batch.xml")),
      ...okRecords(await readXmlFixture("catmandu-marc/marc.xml")),
      ...okRecords(await readIsoFixture("marc4j/pride-and-prejudice-fixed.mrc")),
      ...okRecords(await readIsoFixture("yaz/marccol5.u8.marc")),
      ...okRecords(await readIsoFixture("mod-reservoir/marc3.marc")),
    ];
    // XML 1.0 cannot carry C0 control characters; the writer does not escape them.
    const xmlSafe = (text: string): boolean =>
      [...text].every((c) => c.charCodeAt(0) >= 0x20 || c === "\t" || c === "\n" || c === "\r");
    const representable = records.filter((r) =>
      r.fields.every((f) =>
        isControlField(f) ? xmlSafe(f.value) : f.subfields.every(([, v]) => xmlSafe(v)),
      ),
    );
    expect(representable.length).toBeGreaterThan(400);
    const xml =
      MARCXML_COLLECTION_OPEN + representable.map(toMarcXmlRecord).join("\n") + MARCXML_COLLECTION_CLOSE;
    const back = await readString(xml, 65536);
    expect(rejections(back)).toEqual([]);
    expect(okRecords(back).map((r) => r.fields)).toEqual(representable.map((r) => r.fields));
  });

  it("streams from a file", async () => {
    const results = await collect(
      readMarcXml(createReadStream(fixture("mod-reservoir/record10.xml"), { highWaterMark: 1024 })),
    );
    expect(okRecords(results)).toHaveLength(10);
  });
});
