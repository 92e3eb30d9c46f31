import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readMarcFile } from "../marc/index.ts";
import type { MarcRecord } from "../marc/record.ts";
import { normaliseBib, NormaliseError } from "./bib.ts";
import { cf, df, f008, record } from "./marc-factory.test-support.ts";

describe("normaliseBib on hand-built records", () => {
  const book = record([
    cf("001", "  b1234 "),
    cf("005", "20240301123456.0"),
    f008({ year: "2019", language: "ger" }),
    df("010", "  ", "$a   2019-12345 "),
    df("020", "  ", "$a 0-19-515018-X (pbk.) $z 0000000000"),
    df("020", "  ", "$a 9780195150186"),
    df("020", "  ", "$a 0679450042 (bad check digit)"),
    df("035", "  ", "$a (OCoLC)ocm00012345"),
    df("035", "  ", "$a (DE-101)123"),
    df("100", "1 ", "$a Müller, J., $d 1950- $e author."),
    df("245", "14", "$a The history of things. $n Part 2, $p Later things : $b a survey / $c by J. Müller."),
    df("250", "  ", "$a 2nd ed."),
    df("264", " 1", "$a Berlin : $b Springer, $c [2019]"),
    df("490", "1 ", "$a Studies in things ; $v 4"),
    df("650", " 0", "$a Things $x History $y 20th century $z Germany."),
    df("651", " 0", "$a Germany $x History."),
    df("650", " 0", "$a Things $x History $y 20th century $z Germany."),
    df("700", "1 ", "$a Müller, J., $d 1950-"),
    df("710", "2 ", "$a Some Society, $b Committee."),
  ]);

  it("reads every element", () => {
    expect(normaliseBib(book)).toEqual({
      localId: "b1234",
      title: "The history of things. Part 2, Later things",
      subtitle: "a survey",
      authors: ["Müller, J., 1950-", "Some Society, Committee"],
      subjects: ["Things -- History -- 20th century -- Germany", "Germany -- History"],
      series: "Studies in things",
      publisher: "Springer",
      year: 2019,
      format: "book",
      language: "ger",
      isbns: ["9780195150186"],
      issns: [],
      oclcNumbers: ["12345"],
      lccns: ["2019012345"],
      edition: "2nd ed.",
      modifiedAt: "2024-03-01T12:34:56.000Z",
    });
  });

  it("NFC-normalises decomposed text", () => {
    const decomposed = record([df("245", "00", "$a Cafe\u0301 society.")]);
    expect(normaliseBib(decomposed).title).toBe("Café society");
  });

  it("rejects a record without a title with a clear error", () => {
    expect(() => normaliseBib(record([cf("001", "x")]))).toThrow(NormaliseError);
    expect(() => normaliseBib(record([cf("001", "x")]))).toThrow(/no title.*245/);
    expect(() => normaliseBib(record([df("245", "00", "$c someone")]))).toThrow(/no title/);
  });

  it("takes localId from 001, else 035 $a, else a stable hash", () => {
    expect(normaliseBib(record([df("035", "  ", "$a (X)42"), df("245", "00", "$a T")])).localId).toBe(
      "(X)42",
    );
    const bare = record([df("245", "00", "$a T")]);
    const id = normaliseBib(bare).localId;
    expect(id).toMatch(/^sha1:[0-9a-f]{40}$/);
    expect(normaliseBib(structuredClone(bare)).localId).toBe(id);
  });

  it("falls back to 260/264 $c for the year, 260 $b for the publisher, 041 for the language", () => {
    const bib = normaliseBib(
      record([
        f008({ year: "19uu", language: "   " }),
        df("041", "0 ", "$a frespa"),
        df("245", "00", "$a T"),
        df("260", "  ", "$a Paris : $b Gallimard, $c c1987."),
      ]),
    );
    expect(bib).toMatchObject({ year: 1987, publisher: "Gallimard", language: "fre" });
    expect(normaliseBib(record([df("245", "00", "$a T")])).language).toBe("und");
  });

  it("omits a malformed 005", () => {
    expect(
      normaliseBib(record([cf("005", "20241399000000.0"), df("245", "00", "$a T")])).modifiedAt,
    ).toBeUndefined();
    expect(normaliseBib(record([cf("005", "garbage"), df("245", "00", "$a T")])).modifiedAt).toBeUndefined();
  });

  it("reads OCLC numbers from a WorldCat 001/003 and ISSNs from 022", () => {
    const bib = normaliseBib(
      record(
        [
          cf("001", "ocn123456789"),
          cf("003", "OCoLC"),
          df("022", "0 ", "$a 0028-0836"),
          df("245", "00", "$a Nature"),
        ],
        "00000cas a2200000 a 4500",
      ),
    );
    expect(bib.oclcNumbers).toEqual(["123456789"]);
    expect(bib.issns).toEqual(["0028-0836"]);
  });

  describe("format", () => {
    const withLeader = (leader: string, ...extra: MarcRecord["fields"]) =>
      normaliseBib(record([df("245", "00", "$a T"), ...extra], leader)).format;

    it.each([
      ["00000nam a2200000 a 4500", "book"],
      ["00000cas a2200000 a 4500", "serial"],
      ["00000nab a2200000 a 4500", "article"],
      ["00000nim a2200000 a 4500", "audio"],
      ["00000njm a2200000 a 4500", "music"],
      ["00000ngm a2200000 a 4500", "video"],
      ["00000ncm a2200000 a 4500", "score"],
      ["00000nem a2200000 a 4500", "map"],
      ["00000nkm a2200000 a 4500", "other"],
    ])("leader %s → %s", (leader, format) => {
      expect(withLeader(leader)).toBe(format);
    });

    it("tells ebooks and journals apart", () => {
      expect(withLeader("00000nam a2200000 a 4500", f008({ formOfItem: "o" }))).toBe("ebook");
      expect(withLeader("00000nam a2200000 a 4500", cf("007", "cr |||||||||||"))).toBe("ebook");
      expect(
        withLeader("00000nam a2200000 a 4500", df("338", "  ", "$a online resource $b cr $2 rdacarrier")),
      ).toBe("ebook");
      expect(withLeader("00000nam a2200000 a 4500", df("245", "00", "$h [electronic resource]"))).toBe(
        "ebook",
      );
      expect(withLeader("00000cas a2200000 a 4500", f008({ type21: "p" }))).toBe("journal");
    });
  });
});

const FIXTURES = fileURLToPath(new URL("../../../../shared/fixtures/", import.meta.url));
const HAVE_FIXTURES = existsSync(FIXTURES);
const NOTE = HAVE_FIXTURES ? "" : ` — skipped: shared fixtures not found at ${FIXTURES}`;

async function firstRecords(relative: string, count = Infinity): Promise<MarcRecord[]> {
  const out: MarcRecord[] = [];
  for await (const parsed of readMarcFile(FIXTURES + relative)) {
    if (parsed.ok) out.push(parsed.record);
    if (out.length >= count) break;
  }
  return out;
}

describe.skipIf(!HAVE_FIXTURES)(`normaliseBib on real MARC (../shared/fixtures)${NOTE}`, () => {
  it("marc4j chabon.mrc (LC records): titles, subtitle, ISBN 10→13, edition", async () => {
    const [kavalier, summerland] = (await firstRecords("marc4j/chabon.mrc")).map(normaliseBib);
    expect(kavalier).toMatchObject({
      localId: "11939876",
      title: "The amazing adventures of Kavalier and Clay",
      subtitle: "a novel",
      authors: ["Chabon, Michael"],
      publisher: "Random House",
      year: 2000,
      format: "book",
      language: "eng",
      isbns: ["9780679450047"],
      modifiedAt: "2004-12-29T19:06:04.000Z",
    });
    expect(kavalier?.subjects).toContain("Comic books, strips, etc. -- Authorship -- Fiction");
    expect(summerland).toMatchObject({
      title: "Summerland",
      edition: "1st ed.",
      isbns: ["9780786808779", "9780786816156"],
    });
  });

  it("catmandu bu_bibs.mrc (Alma): every record normalises; 035 (OCoLC) and 010 are read", async () => {
    const bibs = (await firstRecords("catmandu-marc/bu_bibs.mrc")).map(normaliseBib);
    expect(bibs).toHaveLength(100);
    expect(bibs[0]).toMatchObject({
      localId: "99177355940001161",
      title: "America without the death penalty",
      subtitle: "states leading the way",
      isbns: ["9781555535292"],
      oclcNumbers: ["49576820"],
      lccns: ["2002004923"],
    });
    expect(bibs[1]?.isbns).toEqual(["9781438433271", "9781438433264"]);
    for (const bib of bibs) for (const isbn of bib.isbns) expect(isbn).toMatch(/^97[89]\d{10}$/);
  });

  it("mod-reservoir mfhd.marc: a WorldCat bib, and the MFHD record without a 245 is rejected", async () => {
    const [bib, holdings] = await firstRecords("mod-reservoir/mfhd.marc", 2);
    expect(normaliseBib(bib!)).toMatchObject({
      localId: "ocm22544415",
      oclcNumbers: ["22544415"],
      lccns: ["89199478"],
      isbns: ["9780674258655"],
      series: "Harvard Armenian texts and studies",
      year: 1989,
    });
    expect(() => normaliseBib(holdings!)).toThrow(/no title/);
  });

  it("Koha MARCXML export (marc4j 1474920681_KOHA_LFL_5.xml)", async () => {
    const [bib] = (await firstRecords("marc4j/1474920681_KOHA_LFL_5.xml")).map(normaliseBib);
    expect(bib).toMatchObject({
      localId: "121564",
      title: "Cinema and architecture : from historical to digital",
      authors: ["Penz, Francois"],
      isbns: ["9780851705774"],
      lccns: ["97112390"],
      publisher: "BFI (British Film Institute) Publishing",
      year: 1996,
    });
  });
});
