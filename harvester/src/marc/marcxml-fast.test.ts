import { createReadStream, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { chunked, collect, FIXTURES, FIXTURES_NOTE, HAVE_FIXTURES } from "./fixtures.test-support.ts";
import { readMarcFile } from "./index.ts";
import { readMarcXml } from "./marcxml.ts";
import { readMarcXmlFast } from "./marcxml-fast.ts";
import type { ParsedRecord } from "./parsed.ts";
import { MARCXML_COLLECTION_CLOSE, MARCXML_COLLECTION_OPEN, toMarcXmlRecord } from "./writers.ts";

/** The fast reader's records and whether it finished, for any chunking. */
async function fast(xml: string | Buffer, size = 1 << 20): Promise<{ records: ParsedRecord[]; complete: boolean }> {
  const records: ParsedRecord[] = [];
  const reader = readMarcXmlFast(chunked(xml, size));
  for (;;) {
    const next = await reader.next();
    if (next.done) return { records, complete: next.value.complete };
    records.push(next.value);
  }
}

const saxes = (xml: string | Buffer, size = 1 << 20) => collect(readMarcXml(chunked(xml, size)));

const record = (id: string, title: string, extra = ""): string =>
  `<record><leader>00000nam a2200000 a 4500</leader><controlfield tag="001">${id}</controlfield>` +
  `<datafield tag="245" ind1="1" ind2="0"><subfield code="a">${title}</subfield>${extra}</datafield></record>`;

const prefixed = (xml: string) => xml.replaceAll("<", "<marc:").replaceAll("<marc:/", "</marc:");

/** Documents the fast reader must read exactly as saxes does, completely or up to where it gives up. */
const DOCUMENTS: Array<[string, string]> = [
  ["plain collection", `<collection>${record("1", "One")}\n${record("2", "Two")}</collection>`],
  [
    "prefixed, declared, namespaced",
    `<?xml version="1.0" encoding="UTF-8"?>\n<marc:collection xmlns:marc="http://www.loc.gov/MARC21/slim">\n${prefixed(record("1", "One"))}\n</marc:collection>\n`,
  ],
  ["entities and references", `<collection>${record("x", "Tom &amp; Jerry &#x263A; &#65; &lt;1&gt; &quot;&apos;")}</collection>`],
  ["CDATA and comments", `<!-- c --><collection><!-- in -->${record("1", "<![CDATA[a <b> & c]]> d")}</collection><!-- after -->`],
  ["CR LF line ends", `<collection>\r\n${record("1", "line\r\nbreak\rhere", '<subfield code="b">x\r\ny</subfield>')}\r\n</collection>\r\n`],
  ["attributes with spaces and single quotes", `<collection><record><datafield  tag = '245'\n ind1="0" ind2=' ' ><subfield code='a' >T</subfield ></datafield></record></collection>`],
  ["self-closing elements", `<collection><record><leader/><controlfield tag="001"/><datafield tag="245" ind1="0" ind2="0"><subfield code="a"/></datafield></record><record/></collection>`],
  ["single record document", record("1", "Only")],
  ["empty collection", `<collection/>`],
  ["malformed record, then good ones", `<collection>${record("a", "A")}<record><controlfield tag="001">b</controlfield><datafield tag="245"><subfield>no code</subfield></datafield></record>${record("c", "C")}</collection>`],
  ["undefined entity", `<collection>${record("1", "ok")}${record("2", "&nbsp;")}</collection>`],
  ["forbidden character reference", `<collection>${record("1", "ok")}${record("2", "&#1;")}</collection>`],
  ["forbidden character", `<collection>${record("1", "ok")}${record("2", "bell\u0007")}</collection>`],
  ["truncated", `<collection>${record("1", "a")}${record("2", "b")}<record><leader>x</lead`],
  ["truncated inside a record", `<collection>${record("1", "a")}<record><leader>x</leader>`],
  ["mismatched end tag", `<collection>${record("1", "a")}<record><leader>x</leder></record></collection>`],
  ["DOCTYPE", `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x "y">]><collection>${record("1", "&x;")}</collection>`],
  ["processing instruction", `<collection>${record("1", "a")}<?pi x?>${record("2", "b")}</collection>`],
  ["text after the root", `<collection>${record("1", "a")}</collection>junk`],
  ["two roots", `<collection>${record("1", "a")}</collection><collection>${record("2", "b")}</collection>`],
  ["]]> in text", `<collection>${record("1", "a ]]> b")}</collection>`],
  ["double dash in a comment", `<collection>${record("1", "a")}<!-- a -- b -->${record("2", "b")}</collection>`],
  ["no whitespace between attributes", `<collection><record><datafield tag="245"ind1="0"><subfield code="a">x</subfield></datafield></record></collection>`],
  ["duplicate attribute", `<collection><record><datafield tag="245" tag="246"><subfield code="a">x</subfield></datafield></record></collection>`],
  ["attribute value with a newline", `<collection><record><datafield tag="245" ind1="\n"><subfield code="a">x</subfield></datafield></record></collection>`],
  ["OAI envelope", `<OAI-PMH><ListRecords><record><header><identifier>x</identifier></header><metadata><record>${record("1", "a").slice(8)}</metadata></record></ListRecords></OAI-PMH>`],
  ["nested elements in a subfield", `<collection><record><datafield tag="245" ind1=" " ind2=" "><subfield code="a">x<b>y</b></subfield></datafield></record></collection>`],
  ["multi-character code", `<collection><record><datafield tag="245" ind1=" " ind2=" "><subfield code="ab">x</subfield><subfield code="𝄞">y</subfield></datafield></record></collection>`],
  ["non-Latin and astral text", `<collection>${record("1", "한국어 漢字 Ærø 𝄞")}</collection>`],
];

describe("readMarcXmlFast", () => {
  it.each(DOCUMENTS)("%s: the records saxes gives, whatever the chunking", async (_, xml) => {
    const expected = await saxes(xml);
    for (const size of [1, 3, 7, 64, 1 << 20]) {
      const { records, complete } = await fast(xml, size);
      if (complete) expect(records).toEqual(expected);
      else expect(records).toEqual(expected.slice(0, records.length));
    }
  });

  it("reads plain MARCXML completely (no fallback)", async () => {
    const xml = `${MARCXML_COLLECTION_OPEN}${record("1", "a &amp; b").repeat(3)}\n${MARCXML_COLLECTION_CLOSE}`;
    const { records, complete } = await fast(xml, 100);
    expect(complete).toBe(true);
    expect(records).toHaveLength(3);
    const written = `${MARCXML_COLLECTION_OPEN}${records.flatMap((r) => (r.ok ? [toMarcXmlRecord(r.record)] : [])).join("\n")}${MARCXML_COLLECTION_CLOSE}`;
    expect((await fast(written, 50)).complete).toBe(true);
  });

  it("gives up on what it does not handle", async () => {
    for (const name of ["undefined entity", "forbidden character", "truncated", "DOCTYPE", "processing instruction", "]]> in text"]) {
      const xml = DOCUMENTS.find(([n]) => n === name)![1];
      expect([name, (await fast(xml)).complete]).toEqual([name, false]);
    }
  });
});

function xmlFixtures(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return xmlFixtures(path);
    // Only files that read as XML (sickle's "broken xml" is sniffed as ISO 2709).
    return /\.xml$/i.test(name) && readFileSync(path, "latin1").trimStart().startsWith("<") ? [path] : [];
  });
}

describe.skipIf(!HAVE_FIXTURES)(`readMarcFile on MARCXML: the same records as readMarcXml${FIXTURES_NOTE}`, () => {
  it("every XML fixture", async () => {
    const files = xmlFixtures(FIXTURES);
    expect(files.length).toBeGreaterThan(20);
    for (const file of files) {
      const expected = await collect(readMarcXml(createReadStream(file)));
      const actual = await collect(readMarcFile(file));
      expect([file, actual]).toEqual([file, expected]);
    }
  });
});
