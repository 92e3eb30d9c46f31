import { createReadStream } from "node:fs";
import { readIso2709, type Iso2709Options } from "./iso2709.ts";
import { readMarcXml } from "./marcxml.ts";
import type { ParsedRecord } from "./parsed.ts";

export { chooseCharset, type CharsetOption, type RecordCharset } from "./charset.ts";
export { createYazEaccDecoder, type EaccDecoder } from "./eacc.ts";
export { parseIso2709Record, readIso2709, type Iso2709Options } from "./iso2709.ts";
export { decodeMarc8, decodeMarc8Fields, type Marc8Options } from "./marc8.ts";
export { localName, MarcXmlRecordBuilder, readMarcXml, type XmlAttributes } from "./marcxml.ts";
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
    yield* isXml ? readMarcXml(replay()) : readIso2709(replay(), options);
  } finally {
    stream.destroy();
  }
}
