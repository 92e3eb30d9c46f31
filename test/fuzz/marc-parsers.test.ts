/** Property tests: the MARC parsers never crash or hang, whatever bytes arrive. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseIso2709Record, readIso2709, readMarcXml, toIso2709, toMarcXmlRecord, type MarcRecord } from "@interlend/harvester/marc/index";
import { normaliseBib } from "@interlend/harvester/normalise/bib";
import { extractItems } from "@interlend/harvester/normalise/holdings";

async function drain(records: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const record of records) if (record) n++;
  return n;
}

async function* chunks(bytes: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

const subfieldCode = fc.constantFrom(..."abcdefghpqxyz0123456789".split(""));
const text = fc.string({ maxLength: 40 });
const dataField = fc.record({
  tag: fc.integer({ min: 10, max: 999 }).map((n) => String(n).padStart(3, "0")),
  ind1: fc.constantFrom(" ", "0", "1"),
  ind2: fc.constantFrom(" ", "0", "4"),
  subfields: fc.array(fc.tuple(subfieldCode, text), { minLength: 1, maxLength: 6 }),
});
const marcRecord: fc.Arbitrary<MarcRecord> = fc.record({
  leader: fc.constant("00000nam a2200000 a 4500"),
  fields: fc.tuple(fc.string({ minLength: 1, maxLength: 20 }), fc.array(dataField, { maxLength: 25 })).map(([id, fields]) => [{ tag: "001", value: id.replaceAll("\x1d", "").replaceAll("\x1e", "").replaceAll("\x1f", "") || "x" }, ...fields]),
});

describe("MARC parsers under fuzz", () => {
  it("ISO 2709: random bytes give records or rejections, never a crash", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 4000 }), fc.integer({ min: 1, max: 512 }), async (bytes, size) => {
        await drain(readIso2709(chunks(Buffer.from(bytes), size)));
      }),
      { numRuns: 300 },
    );
  });

  it("ISO 2709: a valid record with bytes flipped is rejected or parsed, never a crash", async () => {
    await fc.assert(
      fc.asyncProperty(marcRecord, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), async (record, flips) => {
        const bytes = Buffer.from(toIso2709(record));
        for (const [at, value] of flips) bytes[at % bytes.length] = value;
        for await (const parsed of readIso2709(chunks(bytes, 97))) {
          if (parsed.ok) {
            try {
              normaliseBib(parsed.record);
              extractItems(parsed.record);
            } catch (error) {
              expect((error as Error).message).toMatch(/title|245/);
            }
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it("ISO 2709 round-trips what the writer wrote", () => {
    fc.assert(
      fc.property(marcRecord, (record) => {
        const parsed = parseIso2709Record(toIso2709(record));
        expect(parsed.fields.map((f) => f.tag)).toEqual(record.fields.map((f) => f.tag));
      }),
      { numRuns: 200 },
    );
  });

  it("MARCXML: random text and broken documents never crash", async () => {
    const fragments = fc.constantFrom("<collection>", "<record>", "<leader>", "</leader>", '<datafield tag="245" ind1="1" ind2="0">', '<subfield code="a">', "</subfield>", "</datafield>", "</record>", "</collection>", "&amp;", "&bogus;", "<!DOCTYPE x>", "]]>", "\u0000", "é");
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fragments, fc.string({ maxLength: 20 })), { maxLength: 60 }), async (parts) => {
        try {
          await drain(readMarcXml(chunks(Buffer.from(parts.join("")), 64)));
        } catch (error) {
          expect(error).toBeInstanceOf(Error);
        }
      }),
      { numRuns: 300 },
    );
  });

  it("MARCXML round-trips text with markup characters", async () => {
    await fc.assert(
      fc.asyncProperty(marcRecord, async (record) => {
        const xml = `<collection xmlns="http://www.loc.gov/MARC21/slim">${toMarcXmlRecord(record)}</collection>`;
        const out: MarcRecord[] = [];
        for await (const parsed of readMarcXml(chunks(Buffer.from(xml), 50))) if (parsed.ok) out.push(parsed.record);
        expect(out).toHaveLength(1);
      }),
      { numRuns: 200 },
    );
  });

  // ISO 2709 caps a record at 99,999 bytes, so records this big arrive as MARCXML.
  it("a MARCXML record with 10,000 fields parses and normalises", async () => {
    const record: MarcRecord = {
      leader: "00000nam a2200000 a 4500",
      fields: [{ tag: "001", value: "big" }, { tag: "245", ind1: "1", ind2: "0", subfields: [["a", "Big"]] }, ...Array.from({ length: 10_000 }, (_, i) => ({ tag: "650", ind1: " ", ind2: "0", subfields: [["a", `Subject ${i}`]] as Array<[string, string]> }))],
    };
    const xml = `<collection xmlns="http://www.loc.gov/MARC21/slim">${toMarcXmlRecord(record)}</collection>`;
    const out: MarcRecord[] = [];
    for await (const parsed of readMarcXml(chunks(Buffer.from(xml), 65_536))) if (parsed.ok) out.push(parsed.record);
    expect(out[0]?.fields).toHaveLength(10_002);
    expect(normaliseBib(out[0]!).subjects.length).toBeGreaterThan(0);
  });
});
