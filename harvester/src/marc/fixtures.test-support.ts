/** Helpers for the MARC tests: fixture paths (never copied into the repo), collecting streams, dumps. */
import { spawnSync } from "node:child_process";
import { createReadStream, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { yazIconvBinary } from "./eacc.ts";
import { readIso2709, type Iso2709Options } from "./iso2709.ts";
import { readMarcXml } from "./marcxml.ts";
import type { ParsedRecord } from "./parsed.ts";
import { dataFields, isControlField, subfieldValues, type MarcRecord } from "./record.ts";

/** /work/shared/fixtures, beside the repository root (harvester/src/marc → ../../../../shared). */
export const FIXTURES = fileURLToPath(new URL("../../../../shared/fixtures/", import.meta.url));
export const HAVE_FIXTURES = existsSync(FIXTURES);
/** Appended to suite names, so a skipped run says why. */
export const FIXTURES_NOTE = HAVE_FIXTURES ? "" : ` — skipped: shared fixtures not found at ${FIXTURES}`;

export const HAVE_YAZ = !spawnSync(yazIconvBinary(), ["-f", "MARC8", "-t", "UTF-8"], { input: "" }).error;
export const YAZ_NOTE = HAVE_YAZ ? "" : " — skipped: yaz-iconv not installed (apt-get install yaz)";

export function fixture(relative: string): string {
  return FIXTURES + relative;
}

export async function collect(records: AsyncIterable<ParsedRecord>): Promise<ParsedRecord[]> {
  const all: ParsedRecord[] = [];
  for await (const parsed of records) all.push(parsed);
  return all;
}

export function readIsoFixture(relative: string, options?: Iso2709Options): Promise<ParsedRecord[]> {
  return collect(readIso2709(createReadStream(fixture(relative)), options));
}

export function readXmlFixture(relative: string): Promise<ParsedRecord[]> {
  return collect(readMarcXml(createReadStream(fixture(relative))));
}

export function okRecords(results: ParsedRecord[]): MarcRecord[] {
  return results.flatMap((parsed) => (parsed.ok ? [parsed.record] : []));
}

export function rejections(results: ParsedRecord[]): Array<{ position: number; reason: string }> {
  return results.flatMap((parsed) =>
    parsed.ok ? [] : [{ position: parsed.position, reason: parsed.reason }],
  );
}

/** All values of subfield `code` in fields `tag`. */
export function values(record: MarcRecord, tag: string, code: string): string[] {
  return dataFields(record, tag).flatMap((field) => subfieldValues(field, code));
}

/** yaz-marcdump's line format: leader, then "TAG value" or "TAG II $a value $b value". */
export function lineDump(record: MarcRecord): string {
  const lines = [record.leader];
  for (const field of record.fields) {
    if (isControlField(field)) lines.push(`${field.tag} ${field.value}`);
    else
      lines.push(
        `${field.tag} ${field.ind1}${field.ind2}${field.subfields.map(([c, v]) => ` $${c} ${v}`).join("")}`,
      );
  }
  return `${lines.join("\n")}\n`;
}

/** Deterministic bytes for junk tests (xorshift32). */
export function pseudoRandomBytes(length: number, seed = 2463534242): Buffer {
  const bytes = Buffer.alloc(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    bytes[i] = x & 0xff;
  }
  return bytes;
}

export async function* chunked(data: Buffer | string, size: number): AsyncGenerator<Buffer> {
  const bytes = typeof data === "string" ? Buffer.from(data) : data;
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}
