import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  chunked,
  collect,
  fixture,
  FIXTURES_NOTE,
  HAVE_FIXTURES,
  HAVE_YAZ,
  lineDump,
  okRecords,
  pseudoRandomBytes,
  readIsoFixture,
  readXmlFixture,
  rejections,
  values,
  YAZ_NOTE,
} from "./fixtures.test-support.ts";
import { parseIso2709Record, readIso2709 } from "./iso2709.ts";
import { MarcParseError } from "./parsed.ts";
import { controlValue, dataFields, isControlField, type MarcRecord } from "./record.ts";
import { toIso2709 } from "./writers.ts";

/** Same content; Unicode normalisation aside (converters differ on NFC/NFD). */
function normalised(records: MarcRecord[]): unknown {
  return JSON.parse(JSON.stringify(records.map((r) => r.fields)).normalize("NFC"));
}

const sample: MarcRecord = {
  leader: "00000nam a2200000 a 4500",
  fields: [
    { tag: "001", value: "sample-1" },
    { tag: "008", value: "240101s2024    xx            000 0 eng d" },
    {
      tag: "245",
      ind1: "1",
      ind2: "0",
      subfields: [
        ["a", "Über Ærø and Łódź :"],
        ["b", "漢字 test /"],
        ["c", "Anon."],
      ],
    },
    {
      tag: "650",
      ind1: " ",
      ind2: "0",
      subfields: [
        ["a", "Testing"],
        ["v", "Fiction."],
      ],
    },
  ],
};

describe("parseIso2709Record", () => {
  it("round-trips what toIso2709 writes, with leader/09 = a", () => {
    const parsed = parseIso2709Record(toIso2709(sample));
    expect(parsed.fields).toEqual(sample.fields);
    expect(parsed.leader[9]).toBe("a");
    expect(parsed.leader.slice(5, 9)).toBe("nam ");
  });

  it("throws a MarcParseError with a reason for records it cannot read", () => {
    expect(() => parseIso2709Record(Buffer.from("not a record"))).toThrow(MarcParseError);
    expect(() => parseIso2709Record(Buffer.from("abcde     2200025   4500\x1e\x1d"))).toThrow(
      /record length "abcde"/,
    );
  });

  it("keeps text between the indicators and the first subfield instead of dropping it", () => {
    const bytes = toIso2709({
      leader: sample.leader,
      fields: [{ tag: "500", value: "  Stray text\x1faValue" }],
    });
    const [field] = parseIso2709Record(bytes).fields;
    expect(field).toEqual({
      tag: "500",
      ind1: " ",
      ind2: " ",
      subfields: [
        ["?", "Stray text"],
        ["a", "Value"],
      ],
    });
  });

  it("parses a record with 10,000 fields quickly (oversized: saturated leader, 6-digit offsets)", () => {
    const fields = Array.from({ length: 10_000 }, (_, i) => `  \x1fa${String(i).padStart(5, "0")}\x1e`);
    let offset = 0;
    const directory = fields.map((field) => {
      const entry = `952${String(field.length).padStart(4, "0")}${String(offset).padStart(offset > 99999 ? 6 : 5, "0")}`;
      offset += field.length;
      return entry;
    });
    const bytes = Buffer.from(
      `99999nam a2299999 a 4500${directory.join("")}\x1e${fields.join("")}\x1d`,
      "latin1",
    );
    const started = performance.now();
    const record = parseIso2709Record(bytes);
    const elapsed = performance.now() - started;
    expect(record.fields).toHaveLength(10_000);
    expect(dataFields(record, "952").at(-1)!.subfields).toEqual([["a", "09999"]]);
    expect(elapsed).toBeLessThan(500);
  });
});

describe("readIso2709", () => {
  it("gives the same records whatever the chunk size (records split across chunks)", async () => {
    const records = [
      sample,
      { ...sample, fields: [{ tag: "001", value: "sample-2" }, ...sample.fields.slice(1)] },
    ];
    const data = Buffer.concat(records.map(toIso2709));
    const whole = await collect(readIso2709(chunked(data, data.length)));
    for (const size of [1, 7, 64, 1000]) {
      expect(await collect(readIso2709(chunked(data, size)))).toEqual(whole);
    }
    expect(okRecords(whole).map((r) => controlValue(r, "001"))).toEqual(["sample-1", "sample-2"]);
  });

  it("rejects binary junk record by record without throwing, and recovers on the next record", async () => {
    const junk = pseudoRandomBytes(200_000);
    const data = Buffer.concat([toIso2709(sample), junk, Buffer.from([0x1d]), toIso2709(sample)]);
    const results = await collect(readIso2709(chunked(data, 4096)));
    expect(results[0]).toMatchObject({ ok: true, position: 0 });
    expect(results.at(-1)).toMatchObject({ ok: true, position: results.length - 1 });
    const middle = results.slice(1, -1);
    expect(middle.length).toBeGreaterThan(100); // ~ one piece per 0x1d byte in the junk
    expect(middle.every((r) => !r.ok && r.reason.length > 0)).toBe(true);
    expect(results.map((r) => r.position)).toEqual(results.map((_, i) => i));
  });

  it("prefers the terminator when the leader length is off, but keeps a stray 0x1d inside a record", async () => {
    const first = toIso2709(sample);
    const second = toIso2709({
      ...sample,
      fields: [{ tag: "001", value: "second" }, ...sample.fields.slice(1)],
    });
    // First leader claims exactly both records: the terminator followed by a leader wins.
    const overstated = Buffer.concat([first, second]);
    overstated.write(String(first.length + second.length).padStart(5, "0"), 0, "latin1");
    const results = await collect(readIso2709(chunked(overstated, 100)));
    expect(okRecords(results).map((r) => controlValue(r, "001"))).toEqual(["sample-1", "second"]);
    // Understated by two bytes: the terminator decides.
    const understated = Buffer.from(first);
    understated.write(String(first.length - 2).padStart(5, "0"), 0, "latin1");
    expect(
      okRecords(await collect(readIso2709(chunked(Buffer.concat([understated, second]), 100)))),
    ).toHaveLength(2);
    // A 0x1d inside a field (no leader after it), with a correct length: the length decides.
    const stray = toIso2709({ ...sample, fields: [{ tag: "001", value: "a\x1db" }] });
    const [strayRecord] = okRecords(await collect(readIso2709(chunked(Buffer.concat([stray, second]), 100))));
    expect(controlValue(strayRecord!, "001")).toBe("a\x1db");
  });

  it("gives up on a run without terminators after maxRecordBytes and resynchronises", async () => {
    const noise = Buffer.alloc(50_000, 0x41);
    const data = Buffer.concat([noise, Buffer.from([0x1d]), toIso2709(sample)]);
    const results = await collect(readIso2709(chunked(data, 1000), { maxRecordBytes: 10_000 }));
    expect(results).toHaveLength(2);
    expect(results[0]).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/no record terminator within 10000 bytes/),
    });
    expect(results[1]).toMatchObject({ ok: true, position: 1 });
  });
});

describe.skipIf(!HAVE_FIXTURES)(`ISO 2709 fixtures${FIXTURES_NOTE}`, () => {
  it("pymarc bad_records.mrc: rejects the six broken records one by one", async () => {
    // PROVENANCE: good; base address >= length; base address 0; directory not a multiple of 12;
    // non-ASCII byte in the directory; non-numeric base address; (no fields); good.
    const results = await readIsoFixture("pymarc/bad_records.mrc");
    expect(results.map((r) => r.ok)).toEqual([true, false, false, false, false, false, false, true]);
    expect(rejections(results).map((r) => r.reason)).toEqual([
      expect.stringMatching(/base address 99937 is beyond the end/),
      expect.stringMatching(/base address 0 points inside the leader/),
      expect.stringMatching(/directory length 13 is not a multiple of 12/),
      expect.stringMatching(/directory contains the byte 0xc3/),
      expect.stringMatching(/base address "f0037" is not a number/),
      expect.stringMatching(/no fields/),
    ]);
    for (const record of okRecords(results)) {
      expect(values(record, "245", "a")).toEqual(["The pragmatic programmer : "]);
      expect(values(record, "245", "b")).toEqual(["from journeyman to master /"]);
      expect(values(record, "245", "c")).toEqual(["Andrew Hunt, David Thomas."]);
    }
  });

  it("pymarc: bad subfield code, bad indicator, MARC-8 and UTF-8 flags", async () => {
    // Expected values from pymarc's test_reader.py / test_marc8.py.
    const [badCode] = okRecords(await readIsoFixture("pymarc/bad_subfield_code.dat"));
    expect(values(badCode!, "245", "a")).toEqual(["ActivePerl with ASP and ADO /"]);
    const [badIndicator] = okRecords(await readIsoFixture("pymarc/bad_indicator.dat"));
    expect(values(badIndicator!, "245", "a")).toEqual(["Aristocrats of color :"]);
    const [marc8] = okRecords(await readIsoFixture("pymarc/marc8.dat"));
    expect(values(marc8!, "240", "a")).toEqual(["De la solitude à la communauté."]);
    const decomposed = "De la solitude a\u0300 la communaute\u0301.";
    const [flagged] = okRecords(await readIsoFixture("pymarc/utf8_with_leader_flag.dat"));
    expect(values(flagged!, "240", "a")).toEqual([decomposed]);
    // Blank leader/09 but valid UTF-8 data: read as UTF-8 (pymarc needs force_utf8 for this).
    const [unflagged] = okRecords(await readIsoFixture("pymarc/utf8_without_leader_flag.dat"));
    expect(values(unflagged!, "240", "a")).toEqual([decomposed]);
    const [regression] = okRecords(await readIsoFixture("pymarc/regression45.dat"));
    expect(dataFields(regression!, "752")[0]!.subfields).toEqual([
      ["a", "Russian Federation"],
      ["b", "Kostroma Oblast"],
      ["d", "Kostroma"],
    ]);
  });

  it("pymarc utf8_invalid.mrc and ruby-marc utf8_with_bad_bytes.marc: bad bytes become U+FFFD", async () => {
    const [invalid] = okRecords(await readIsoFixture("pymarc/utf8_invalid.mrc"));
    expect(JSON.stringify(invalid!.fields)).toContain("\ufffd");
    const [bad] = okRecords(await readIsoFixture("ruby-marc/utf8_with_bad_bytes.marc"));
    expect(values(bad!, "245", "a")[0]).toMatch(/\/bad bytes => \ufffd\( <=$/);
    expect(values(bad!, "245", "a")[0]).toMatch(/^Photčhanānukrom Čhin Klāng/);
  });

  it("ruby-marc marc8_accented_chars.marc: MARC-8 data mislabelled as UTF-8 is read as MARC-8", async () => {
    const [record] = okRecords(await readIsoFixture("ruby-marc/marc8_accented_chars.marc"));
    expect(values(record!, "100", "a")).toEqual(["Serreau, Geneviève."]); // ruby-marc's reader test
    expect(record!.leader[9]).toBe("a");
  });

  it("pymarc test.dat equals its MARCXML version (marc-perl marc-xml-batch.xml)", async () => {
    const iso = okRecords(await readIsoFixture("pymarc/test.dat"));
    const xml = okRecords(await readXmlFixture("marc-perl/marc-xml-batch.xml"));
    expect(iso).toHaveLength(10);
    expect(normalised(iso)).toEqual(normalised(xml));
    expect(values(iso[0]!, "245", "a")).toEqual(["ActivePerl with ASP and ADO /"]);
  });

  it.each([
    ["marc4j/chabon.mrc", "marc4j/chabon.xml", 2],
    ["marc4j/summerland.mrc", "marc4j/summerland.xml", 1],
    ["marcjs/bib.mrc", "marcjs/bib.xml", 6],
    ["ruby-marc/non-numeric.dat", "ruby-marc/non-numeric.xml", 1],
    ["mod-reservoir/marc3.marc", "mod-reservoir/marc3.xml", 3], // MARC-8 vs UTF-8
  ])("%s equals %s", async (iso, xml, count) => {
    const fromIso = okRecords(await readIsoFixture(iso));
    expect(fromIso).toHaveLength(count);
    expect(normalised(fromIso)).toEqual(normalised(okRecords(await readXmlFixture(xml))));
  });

  it("marc-perl marc-mij-test.mrc equals its MARC-in-JSON version", async () => {
    type Mij = {
      leader: string;
      fields: Array<
        Record<string, string | { ind1: string; ind2: string; subfields: Array<Record<string, string>> }>
      >;
    };
    const fromJson = readFileSync(fixture("marc-perl/marc-mij-test.ndj"), "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line) as Mij)
      .map((mij) =>
        mij.fields.map((field) => {
          const [tag, content] = Object.entries(field)[0]!;
          if (typeof content === "string") return { tag, value: content };
          return {
            tag,
            ind1: content.ind1,
            ind2: content.ind2,
            subfields: content.subfields.map((s) => Object.entries(s)[0]!),
          };
        }),
      );
    const records = okRecords(await readIsoFixture("marc-perl/marc-mij-test.mrc"));
    expect(records.map((r) => r.fields)).toEqual(fromJson);
  });

  it("marc-perl charset records: Hebrew and Cyrillic in MARC-8", async () => {
    const [hebrew] = okRecords(await readIsoFixture("marc-perl/marc-charset-hebrew1.marc"));
    expect(values(hebrew!, "880", "a")).toEqual(["גג  :", "תל־אביב :", "איגוד כללי של סופרים בישראל."]);
    expect(values(hebrew!, "260", "a")).toEqual(["Tel-Aviv :"]); // the romanised parallel of the second 880
    const [hebrew2] = okRecords(await readIsoFixture("marc-perl/marc-charset-hebrew2.marc"));
    expect(values(hebrew2!, "245", "a")).toEqual(["Genuzot."]);
    expect(values(hebrew2!, "880", "a").slice(0, 2)).toEqual(["גנוזות.", "ירושלים :"]);
    const [cyrillic] = okRecords(await readIsoFixture("marc-perl/marc-charset-cyrillic.marc"));
    expect(values(cyrillic!, "880", "a")).toContain("Одлуке и решења Савезног уставног суда.");
    // The romanised 245 writes "š" with a breve (ANSEL 0xe6) rather than a caron.
    expect(values(cyrillic!, "245", "a")[0]).toMatch(/^Odluke i res\u0306enja Saveznog ustavnog suda/);
  });

  it.skipIf(!HAVE_YAZ)(`marc-perl CJK records through yaz-iconv${YAZ_NOTE}`, async () => {
    const [cjk] = okRecords(await readIsoFixture("marc-perl/marc-charset-cjk1.marc"));
    expect(values(cjk!, "880", "a")).toContain("金田一 京助 と アイヌ語 /");
    expect(values(cjk!, "245", "a")[0]).toMatch(/^Kindaichi Kyōsuke to Ainugo/);
    const [cjk2] = okRecords(await readIsoFixture("marc-perl/marc-charset-cjk2.marc"));
    expect(values(cjk2!, "880", "a")).toContain("式子 内親王 集 全釈 /");
    expect(values(cjk2!, "245", "a")).toEqual(["Shikishi Naishinnō shū zenshaku /"]);
  });

  it("marc4j cyrillic_capital_e.mrc: the 0x1f written for Э is repaired", async () => {
    const records = okRecords(await readIsoFixture("marc4j/cyrillic_capital_e.mrc"));
    expect(records).toHaveLength(2);
    for (const record of records) {
      // marc4j's PermissiveReaderTest: 880 $6 26x → $b equalsIgnoreCase "Эксмо,".
      const publishers = dataFields(record, "880")
        .filter((field) => field.subfields.some(([code, value]) => code === "6" && value.startsWith("26")))
        .map((field) => field.subfields.find(([code]) => code === "b")![1]);
      expect(publishers.length).toBeGreaterThan(0);
      for (const publisher of publishers) expect(publisher.toLowerCase()).toBe("эксмо,");
    }
  });

  it("marc4j oversized and broken directories are recovered", async () => {
    const tooLong = okRecords(await readIsoFixture("marc4j/bad_too_long_plus_2.mrc"));
    expect(tooLong.map((r) => controlValue(r, "001"))).toEqual(["360944", "360945", "360946"]);
    const hathi = okRecords(await readIsoFixture("marc4j/bad_hathi_records.mrc"));
    expect(hathi).toHaveLength(5);
    const big = hathi.find((r) => controlValue(r, "001") === "003051567")!;
    expect(dataFields(big, "974")).toHaveLength(12582); // marc4j testTooLongMarcRecord3
    const [datos] = okRecords(await readIsoFixture("marc4j/datos-20161010-slice.mrc"));
    expect(dataFields(datos!, "952")).toHaveLength(965); // marc4j testTooLongMarcRecord2
    const oversize = okRecords(await readIsoFixture("marc4j/bad_oversize_field_bad_directory.mrc"));
    expect(oversize).toHaveLength(5);
    expect(values(oversize[1]!, "520", "a")[0]!.length).toBeGreaterThan(9999);
  });

  it("marc4j bad leaders, unordered directory, truncated file", async () => {
    const [badLeader] = okRecords(await readIsoFixture("marc4j/bad_leaders_10_11.mrc"));
    expect(badLeader!.leader.slice(9, 12)).toBe("a22");
    // Fields come in directory order even though the offsets are not ascending.
    const raw = readFileSync(fixture("marc4j/unordered-directory-entries.mrc"));
    const directory = raw.toString("latin1", 24, raw.indexOf(0x1e));
    const entries = directory.match(/.{12}/g)!;
    const offsets = entries.map((entry) => Number(entry.slice(7)));
    expect(offsets).not.toEqual([...offsets].sort((a, b) => a - b));
    const [unordered] = okRecords(await readIsoFixture("marc4j/unordered-directory-entries.mrc"));
    expect(unordered!.fields.map((f) => f.tag)).toEqual(entries.map((entry) => entry.slice(0, 3)));
    expect(dataFields(unordered!, "852").length).toBeGreaterThan(0);
    const truncated = await readIsoFixture("marc4j/008008027.mrc");
    expect(okRecords(truncated)).toHaveLength(18);
    expect(rejections(truncated)).toEqual([
      { position: 18, reason: expect.stringMatching(/truncated record/) },
    ]);
  });

  it("marc4j pride-and-prejudice-with-many-errors.mrc reads every record, matching the fixed file's fields", async () => {
    const broken = await readIsoFixture("marc4j/pride-and-prejudice-with-many-errors.mrc");
    const fixed = okRecords(await readIsoFixture("marc4j/pride-and-prejudice-fixed.mrc"));
    expect(fixed).toHaveLength(383);
    expect(rejections(broken)).toEqual([]);
    expect(okRecords(broken).map((r) => controlValue(r, "001"))).toEqual(
      fixed.map((r) => controlValue(r, "001")),
    );
    // The fixed file also moved 001 to the front of some records; the set of fields is the same.
    const tags = (r: MarcRecord): string =>
      r.fields
        .map((f) => f.tag)
        .sort()
        .join();
    expect(okRecords(broken).map(tags)).toEqual(fixed.map(tags));
  });

  it("marc4j MARC-8 oddities never throw", async () => {
    for (const file of [
      "marc4j/incomplete_esc_seq.mrc",
      "marc4j/chinese_mangled_multibyte.mrc",
      "pymarc/bad_eacc_encoding.dat",
    ]) {
      const results = await readIsoFixture(file);
      expect(results.length).toBeGreaterThan(0);
      expect(rejections(results)).toEqual([]);
    }
    const [badEscape] = okRecords(await readIsoFixture("pymarc/bad_marc8_escape.dat"));
    expect(values(badEscape!, "260", "b")).toEqual(["La Sociét\ufffd,"]); // pymarc keeps the raw ESC here
  });

  it("catmandu bu_bibs.mrc: 100 Alma records, incl. UTF-8 ones with character-counted lengths", async () => {
    const results = await readIsoFixture("catmandu-marc/bu_bibs.mrc");
    expect(rejections(results)).toEqual([]);
    const records = okRecords(results);
    expect(records).toHaveLength(100);
    for (const record of records) {
      expect(values(record, "852", "b").length).toBeGreaterThan(0);
      expect(controlValue(record, "001")).toMatch(/^99\d+$/);
    }
    // Record 14 is one of them: its 650 $z holds the (doubly encoded, but valid UTF-8) place name.
    const michoacan = Buffer.from("Michoaca\xc3\x83\xc2\x8c\xc3\x82\xc2\x81n de Ocampo", "latin1").toString(
      "utf8",
    );
    expect(values(records[14]!, "650", "z")).toContain(michoacan);
  });

  it("mod-reservoir badleader.marc: blank leader/10-11 are read as MARC 21's 2 and 2", async () => {
    const bad = okRecords(await readIsoFixture("mod-reservoir/badleader.marc"));
    const good = okRecords(await readIsoFixture("mod-reservoir/marc3.marc"));
    expect(bad).toHaveLength(3);
    expect(bad.map((r) => r.fields)).toEqual(good.map((r) => r.fields));
    expect(bad[0]!.leader.slice(8, 12)).toBe(" a22");
  });

  it("mod-reservoir badchar.marc / badchar-utf8.marc and mfhd.marc", async () => {
    const [marc8] = okRecords(await readIsoFixture("mod-reservoir/badchar.marc"));
    const [utf8] = okRecords(await readIsoFixture("mod-reservoir/badchar-utf8.marc"));
    expect(values(marc8!, "245", "a")).toEqual(values(utf8!, "245", "a"));
    const mfhd = okRecords(await readIsoFixture("mod-reservoir/mfhd.marc"));
    expect(mfhd).toHaveLength(14);
    const holdings = mfhd.filter((r) => "xv".includes(r.leader[6]!));
    expect(holdings).toHaveLength(7);
    for (const record of holdings) expect(dataFields(record, "852").length).toBeGreaterThan(0);
  });

  it("yaz marccol*.u8.marc match yaz-marcdump's line dumps exactly", async () => {
    for (const name of ["marccol1", "marccol2", "marccol3", "marccol5"]) {
      const records = okRecords(await readIsoFixture(`yaz/${name}.u8.marc`));
      const expected = readFileSync(fixture(`yaz/${name}.u8.1.lst`), "utf8");
      expect(records.map(lineDump).join("\n") + "\n").toBe(expected);
    }
  });

  it.each([
    ["yaz/marc0", "auto"],
    ["yaz/marc1", "latin1"],
    ["yaz/marc2", "latin1"],
    ["yaz/marc6", "auto"],
    ["yaz/marc8", "auto"],
  ] as const)("%s.marc (charset %s) agrees with yaz's MARCXML", async (name, charset) => {
    const iso = okRecords(await readIsoFixture(`${name}.marc`, { charset }));
    expect(iso).toHaveLength(1);
    expect(normalised(iso)).toEqual(normalised(okRecords(await readXmlFixture(`${name}.xml`))));
  });

  it("yaz marc3 and marc5 agree with yaz except where the data is corrupt", async () => {
    // Where text precedes a field's first delimiter, yaz turns its first byte into a delimiter and
    // the next into a code; we keep the text (under "?", or the field as a control field).
    const fieldsBut = (record: MarcRecord, skip: number[]): unknown[] =>
      record.fields.filter((_, i) => !skip.includes(i));
    const [latin] = okRecords(await readIsoFixture("yaz/marc3.marc", { charset: "latin1" }));
    const [latinYaz] = okRecords(await readXmlFixture("yaz/marc3.xml"));
    expect(latin!.fields[16]).toMatchObject({
      tag: "648",
      subfields: [
        ["?", "Granlund, Tom"],
        ["c", "Kristian Augustsgate"],
        ["c", "Pilestredet 19"],
      ],
    });
    expect(latin!.fields[18]).toEqual({ tag: "BAS", value: "  20" });
    expect(fieldsBut(latin!, [16, 18])).toEqual(fieldsBut(latinYaz!, [16, 18]));
    const [greek] = okRecords(await readIsoFixture("yaz/marc5.marc"));
    const [greekYaz] = okRecords(await readXmlFixture("yaz/marc5.xml"));
    expect(greek!.fields[5]).toEqual({ tag: "250", value: "  2η εκδ." });
    expect(fieldsBut(greek!, [5])).toEqual(fieldsBut(greekYaz!, [5]));
  });

  it.skipIf(!HAVE_YAZ)(`yaz marc12 (MARC-8 with CJK) agrees with yaz${YAZ_NOTE}`, async () => {
    // Control bytes inside MARC-8 CJK text are not MARC-8: we give U+FFFD, yaz drops them.
    const [oclc] = okRecords(await readIsoFixture("yaz/marc12.marc"));
    const [oclcYaz] = okRecords(await readXmlFixture("yaz/marc12.xml"));
    const withoutReplacements = JSON.parse(JSON.stringify(oclc!.fields).replaceAll("\ufffd", ""));
    expect(normalised([{ leader: "", fields: withoutReplacements }])).toEqual(normalised([oclcYaz!]));
  });

  it("yaz marc10/11 (DanMARC charset): same structure as yaz's output", async () => {
    for (const name of ["yaz/marc10", "yaz/marc11"]) {
      const [iso] = okRecords(await readIsoFixture(`${name}.marc`, { charset: "latin1" }));
      const [xml] = okRecords(await readXmlFixture(`${name}.xml`));
      const shape = (r: MarcRecord) =>
        r.fields.map((f) =>
          isControlField(f) ? f.tag : `${f.tag}${f.ind1}${f.ind2}${f.subfields.map(([c]) => c).join("")}`,
        );
      expect(shape(iso!)).toEqual(shape(xml!));
    }
  });

  it("yaz marc4.marc (leader garbage) is rejected, as yaz finds no fields in it", async () => {
    const results = await readIsoFixture("yaz/marc4.marc");
    expect(rejections(results)).toEqual([{ position: 0, reason: expect.stringMatching(/base address/) }]);
    expect(okRecords(await readXmlFixture("yaz/marc4.xml"))).toEqual([]);
  });

  it("other fixtures parse completely", async () => {
    const files = [
      "catmandu-marc/camel9.mrc",
      "catmandu-marc/dollar_subfields.mrc",
      "catmandu-marc/utf8.mrc",
      "marc-perl/marc-lint-camel.usmarc",
      "marc-perl/marc-record-sample1.usmarc",
      "marc-perl/marc-record-title_proper.usmarc",
      "marc-perl/marc-xml-escape.mrc",
      "marc4j/185258.mrc",
      "marc4j/bad-characters-in-various-fields.mrc",
      "marc4j/chabon-loc.mrc",
      "marc4j/kan1222221.mrc",
      "marc4j/not_unimarc_errors_3.mrc",
      "marc4j/u17_utf8.mrc",
      "marc4j/u335.mrc",
      "marc4j/selectedRecs.mrc",
      "marc4j/oclc_63111280_export_as_UTF8_from_connexion.mrc",
      "pymarc/alphatag.dat",
      "pymarc/diacritic.dat",
      "pymarc/marc.dat",
      "pymarc/multi_isbn.dat",
      "pymarc/one.dat",
      "pymarc/testunimarc.dat",
      "ruby-marc/random_tag_order.dat",
      "ruby-marc/random_tag_order2.dat",
      "ruby-marc/utf8.marc",
      "ruby-marc/utf8_multirecord.marc",
      "ruby-marc/cp866_unimarc.marc",
    ];
    const counts: Record<string, number> = {};
    for (const file of files) {
      const results = await readIsoFixture(file);
      expect([file, rejections(results)]).toEqual([file, []]);
      counts[file] = results.length;
    }
    expect(counts["marc-perl/marc-lint-camel.usmarc"]).toBe(11);
    expect(counts["marc4j/selectedRecs.mrc"]).toBe(11);
    expect(counts["pymarc/marc.dat"]).toBe(20);
    const [alphatag] = okRecords(await readIsoFixture("pymarc/alphatag.dat"));
    expect(alphatag!.fields.some((f) => /[A-Z]/.test(f.tag))).toBe(true);
    const [diacritic] = okRecords(await readIsoFixture("pymarc/diacritic.dat"));
    expect(JSON.stringify(diacritic!.fields)).toContain("Wirte\u0301n"); // UTF-8 kept as written (NFD)
    const randomOrder = okRecords(await readIsoFixture("ruby-marc/random_tag_order.dat"))[0]!.fields.map(
      (f) => f.tag,
    );
    expect(randomOrder).not.toEqual([...randomOrder].sort()); // record order is kept
  });

  it("round-trips every readable fixture record through toIso2709", async () => {
    const files = [
      "pymarc/test.dat",
      "pymarc/marc8.dat",
      "marc4j/chabon-loc.mrc",
      "marc4j/pride-and-prejudice-fixed.mrc",
      "catmandu-marc/bu_bibs.mrc",
      "yaz/marccol5.u8.marc",
      "marc4j/bad_too_long_plus_2.mrc",
      "mod-reservoir/mfhd.marc",
    ];
    let count = 0;
    for (const file of files) {
      for (const record of okRecords(await readIsoFixture(file))) {
        const bytes = toIso2709(record);
        if (bytes.length > 99_999) continue; // the writer cannot express longer records
        const again = parseIso2709Record(bytes);
        expect(again.fields).toEqual(record.fields);
        // The writer recomputes lengths and addresses; the descriptive positions survive.
        expect(again.leader.slice(5, 10) + again.leader.slice(17, 20)).toBe(
          record.leader.slice(5, 10) + record.leader.slice(17, 20),
        );
        count++;
      }
    }
    expect(count).toBeGreaterThan(500);
  });
});
