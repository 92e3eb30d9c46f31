import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  collect,
  fixture,
  FIXTURES_NOTE,
  HAVE_FIXTURES,
  okRecords,
  readIsoFixture,
  readXmlFixture,
} from "./fixtures.test-support.ts";
import { readMarcFile } from "./index.ts";
import { controlValue, type MarcRecord } from "./record.ts";
import { MARCXML_COLLECTION_CLOSE, MARCXML_COLLECTION_OPEN, toIso2709, toMarcXmlRecord } from "./writers.ts";

const scratch = mkdtempSync(join(tmpdir(), "interlend-marc-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const sample: MarcRecord = {
  leader: "00000nam a2200000 a 4500",
  fields: [
    { tag: "001", value: "file-1" },
    { tag: "245", ind1: "0", ind2: "0", subfields: [["a", "Sniffed"]] },
  ],
};

function scratchFile(name: string, content: Buffer | string): string {
  const path = join(scratch, name);
  writeFileSync(path, content);
  return path;
}

describe("readMarcFile", () => {
  it("sniffs XML after whitespace and a byte order mark, whatever the file name", async () => {
    // (An XML declaration would have to come first; a bare root element may follow blanks.)
    const xml = `\ufeff \n<collection xmlns="http://www.loc.gov/MARC21/slim">${toMarcXmlRecord(sample)}</collection>`;
    const results = await collect(readMarcFile(scratchFile("export.mrc", xml)));
    expect(results).toEqual([
      { ok: true, position: 0, record: { leader: sample.leader, fields: sample.fields } },
    ]);
    const declared = `${MARCXML_COLLECTION_OPEN}${toMarcXmlRecord(sample)}${MARCXML_COLLECTION_CLOSE}`;
    expect(await collect(readMarcFile(scratchFile("declared.dat", declared)))).toEqual(results);
  });

  it("reads anything else as ISO 2709", async () => {
    const results = await collect(
      readMarcFile(scratchFile("export.xml", Buffer.concat([toIso2709(sample), toIso2709(sample)]))),
    );
    expect(okRecords(results).map((r) => controlValue(r, "001"))).toEqual(["file-1", "file-1"]);
  });

  it("yields nothing for an empty file", async () => {
    expect(await collect(readMarcFile(scratchFile("empty.mrc", "")))).toEqual([]);
  });

  it("can stop early without leaking the stream", async () => {
    const path = scratchFile("many.mrc", Buffer.concat(Array.from({ length: 50 }, () => toIso2709(sample))));
    let seen = 0;
    for await (const parsed of readMarcFile(path)) {
      expect(parsed.ok).toBe(true);
      if (++seen === 3) break;
    }
    expect(seen).toBe(3);
  });
});

describe.skipIf(!HAVE_FIXTURES)(`readMarcFile on fixtures${FIXTURES_NOTE}`, () => {
  it("reads ISO 2709 and MARCXML fixtures like the format readers do", async () => {
    for (const file of ["marc4j/chabon.mrc", "mod-reservoir/mfhd.marc"]) {
      expect(await collect(readMarcFile(fixture(file)))).toEqual(await readIsoFixture(file));
    }
    for (const file of [
      "marc4j/chabon.xml",
      "pymarc/batch.xml",
      "marc4j/1474920681_KOHA_LFL_6_with_comment.xml",
    ]) {
      expect(await collect(readMarcFile(fixture(file)))).toEqual(await readXmlFixture(file));
    }
  });

  it("passes ISO 2709 options through", async () => {
    const [latin] = okRecords(await collect(readMarcFile(fixture("yaz/marc1.marc"), { charset: "latin1" })));
    expect(JSON.stringify(latin!.fields)).toContain("På omslaget");
  });
});
