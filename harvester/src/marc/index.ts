import { createReadStream } from "node:fs";
import { readIso2709, type Iso2709Options } from "./iso2709.ts";
import { readMarcXml } from "./marcxml.ts";
import { readMarcXmlFast } from "./marcxml-fast.ts";
import type { ParsedRecord } from "./parsed.ts";

export { chooseCharset, type CharsetOption, type RecordCharset } from "./charset.ts";
export { createYazEaccDecoder, type EaccDecoder } from "./eacc.ts";
export { parseIso2709Record, readIso2709, type Iso2709Options } from "./iso2709.ts";
export { decodeMarc8, decodeMarc8Fields, type Marc8Options } from "./marc8.ts";
export { localName, MarcXmlRecordBuilder, readMarcXml, type XmlAttributes } from "./marcxml.ts";
export { readMarcXmlFast, type FastXmlOutcome } from "./marcxml-fast.ts";
export { MarcParseError, type ParsedRecord } from "./parsed.ts";
export * from "./record.ts";
export { MARCXML_COLLECTION_CLOSE, MARCXML_COLLECTION_OPEN, toIso2709, toMarcXmlRecord } from "./writers.ts";

const READ_CHUNK = 1024 * 1024;

/** Whitespace and byte order marks that may precede the first "<" of an XML file. */
function isLeadingNoise(b: number): boolean {
  return b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0xef || b === 0xbb || b === 0xbf;
}

/** XML if the first significant byte is "<" (or the file starts with a UTF-16 byte order mark). */
function looksLikeXml(head: Buffer): boolean | undefined {
  if ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff)) return true;
  for (const b of head) {
    if (!isLeadingNoise(b)) return b === 0x3c;
  }
  return undefined;
}

/**
 * Reads a MARC file, ISO 2709 or MARCXML (sniffed from its first bytes), streaming it in 1 MiB
 * chunks. ISO 2709 options (charset override, ...) apply to ISO 2709 files only.
 *
 * MARCXML is read by the fast scanner (marcxml-fast.ts); when the file leaves the plain subset
 * it handles, the file is read again with saxes, skipping the records already given, so the
 * result is always exactly readMarcXml's.
 */
export async function* readMarcFile(
  path: string,
  options: Iso2709Options = {},
): AsyncGenerator<ParsedRecord> {
  const stream = createReadStream(path, { highWaterMark: READ_CHUNK });
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const head: Buffer[] = [];
  let isXml: boolean | undefined;
  try {
    while (isXml === undefined) {
      const next = await chunks.next();
      if (next.done) break;
      head.push(next.value);
      isXml = looksLikeXml(Buffer.concat(head));
    }
    async function* replay(): AsyncGenerator<Buffer> {
      yield* head;
      for (let next = await chunks.next(); !next.done; next = await chunks.next()) yield next.value;
    }
    if (!isXml) {
      yield* readIso2709(replay(), options);
      return;
    }
    const fast = readMarcXmlFast(replay());
    let given = 0;
    for (;;) {
      const next = await fast.next();
      if (next.done) {
        if (next.value.complete) return;
        break;
      }
      given++;
      yield next.value;
    }
    stream.destroy();
    yield* skipRecords(readMarcXml(createReadStream(path, { highWaterMark: READ_CHUNK })), given);
  } finally {
    stream.destroy();
  }
}

async function* skipRecords(records: AsyncGenerator<ParsedRecord>, count: number): AsyncGenerator<ParsedRecord> {
  let skipped = 0;
  for await (const parsed of records) {
    if (skipped < count) skipped++;
    else yield parsed;
  }
}
