/**
 * Parser throughput on generated records: `npx tsx harvester/src/marc/parse-speed.ts [N]`.
 * Records are written with writers.ts (small UTF-8 bibliographic records, ~20 fields) and read
 * back from memory in 1 MiB chunks, so the figures are the parsers' own, without disk I/O.
 */
import { readIso2709 } from "./iso2709.ts";
import { readMarcXml } from "./marcxml.ts";
import type { ParsedRecord } from "./parsed.ts";
import type { MarcRecord } from "./record.ts";
import { MARCXML_COLLECTION_CLOSE, MARCXML_COLLECTION_OPEN, toIso2709, toMarcXmlRecord } from "./writers.ts";

const CHUNK = 1 << 20;

function sampleRecord(i: number): MarcRecord {
  const id = String(100000 + i);
  return {
    leader: "00000cam a2200000 i 4500",
    fields: [
      { tag: "001", value: id },
      { tag: "003", value: "ILND" },
      { tag: "005", value: "20240101120000.0" },
      { tag: "008", value: "240101s2024    enk           000 1 eng d" },
      {
        tag: "020",
        ind1: " ",
        ind2: " ",
        subfields: [
          ["a", `978014${id}2`],
          ["q", "paperback"],
        ],
      },
      { tag: "035", ind1: " ", ind2: " ", subfields: [["a", `(OCoLC)${id}`]] },
      {
        tag: "040",
        ind1: " ",
        ind2: " ",
        subfields: [
          ["a", "DLC"],
          ["b", "eng"],
          ["e", "rda"],
          ["c", "DLC"],
        ],
      },
      {
        tag: "050",
        ind1: "0",
        ind2: "0",
        subfields: [
          ["a", "PR4034"],
          ["b", `.P7 ${i % 100}`],
        ],
      },
      {
        tag: "100",
        ind1: "1",
        ind2: " ",
        subfields: [
          ["a", "Austen, Jane,"],
          ["d", "1775-1817,"],
          ["e", "author."],
        ],
      },
      {
        tag: "245",
        ind1: "1",
        ind2: "0",
        subfields: [
          ["a", `Pride and prejudice ${i} /`],
          ["c", "Jane Austen ; édition présentée."],
        ],
      },
      { tag: "250", ind1: " ", ind2: " ", subfields: [["a", "Second edition."]] },
      {
        tag: "264",
        ind1: " ",
        ind2: "1",
        subfields: [
          ["a", "London :"],
          ["b", "Penguin Books,"],
          ["c", "2024."],
        ],
      },
      {
        tag: "300",
        ind1: " ",
        ind2: " ",
        subfields: [
          ["a", "xxiv, 480 pages ;"],
          ["c", "20 cm"],
        ],
      },
      {
        tag: "336",
        ind1: " ",
        ind2: " ",
        subfields: [
          ["a", "text"],
          ["b", "txt"],
          ["2", "rdacontent"],
        ],
      },
      { tag: "490", ind1: "1", ind2: " ", subfields: [["a", "Penguin classics"]] },
      {
        tag: "650",
        ind1: " ",
        ind2: "0",
        subfields: [
          ["a", "Courtship"],
          ["v", "Fiction."],
        ],
      },
      {
        tag: "650",
        ind1: " ",
        ind2: "0",
        subfields: [
          ["a", "Social classes"],
          ["z", "England"],
          ["v", "Fiction."],
        ],
      },
      {
        tag: "700",
        ind1: "1",
        ind2: " ",
        subfields: [
          ["a", "Tanner, Tony,"],
          ["e", "writer of introduction."],
        ],
      },
      {
        tag: "852",
        ind1: "0",
        ind2: " ",
        subfields: [
          ["b", "MAIN"],
          ["h", "823.7 AUS"],
          ["p", `3900${id}`],
        ],
      },
      {
        tag: "952",
        ind1: " ",
        ind2: " ",
        subfields: [
          ["a", "MAIN"],
          ["o", "823.7 AUS"],
          ["p", `3900${id}`],
          ["y", "BK"],
        ],
      },
    ],
  };
}

function* chunks(data: Buffer): Generator<Buffer> {
  for (let i = 0; i < data.length; i += CHUNK) yield data.subarray(i, i + CHUNK);
}

async function* fromMemory(data: Buffer): AsyncGenerator<Buffer> {
  yield* chunks(data);
}

async function measure(
  name: string,
  data: Buffer,
  read: (source: AsyncIterable<Buffer>) => AsyncGenerator<ParsedRecord>,
): Promise<void> {
  const start = process.hrtime.bigint();
  let ok = 0;
  let rejected = 0;
  for await (const parsed of read(fromMemory(data))) {
    if (parsed.ok) ok++;
    else rejected++;
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const mib = data.length / (1 << 20);
  console.log(
    `${name.padEnd(9)} ${ok} records (${rejected} rejected) in ${seconds.toFixed(2)} s: ` +
      `${Math.round(ok / seconds).toLocaleString("en")} records/s, ${(mib / seconds).toFixed(1)} MiB/s`,
  );
}

/** The serialised inputs only: the generated records are garbage before timing starts. */
function generate(count: number): { iso: Buffer; xml: Buffer } {
  const records = Array.from({ length: count }, (_, i) => sampleRecord(i));
  const iso = Buffer.concat(records.map(toIso2709));
  const xml = Buffer.from(
    MARCXML_COLLECTION_OPEN + records.map(toMarcXmlRecord).join("\n") + MARCXML_COLLECTION_CLOSE,
  );
  return { iso, xml };
}

const count = Number(process.argv[2] ?? 100_000);
const { iso, xml } = generate(count);
console.log(
  `ISO 2709 ${(iso.length / count).toFixed(0)} bytes/record, MARCXML ${(xml.length / count).toFixed(0)} bytes/record`,
);
await measure("ISO 2709", iso, (source) => readIso2709(source));
await measure("MARCXML", xml, (source) => readMarcXml(source));
