import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";

const RECORD_TERMINATOR = 0x1d;
const XML_RECORD_END = Buffer.from("record>");

export interface FileScan {
  /** Records counted by scanning bytes; approximate for odd files, never used for logic. */
  records: number;
  /** SHA-1 of the file's bytes (base64url): an unchanged file can be skipped by an incremental run. */
  sha1: string;
}

/**
 * Counts records by scanning bytes (ISO 2709 terminators or MARCXML closing tags) without parsing,
 * so a progress bar can show a total and an ETA, and hashes the file on the way.
 */
export async function scanFile(file: string): Promise<FileScan> {
  let count = 0;
  let isXml: boolean | undefined;
  let carry: Buffer = Buffer.alloc(0);
  const hash = createHash("sha1");
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    isXml ??= chunk.toString("latin1", 0, 64).trimStart().startsWith("<");
    if (!isXml) {
      for (let i = chunk.indexOf(RECORD_TERMINATOR); i !== -1; i = chunk.indexOf(RECORD_TERMINATOR, i + 1)) count++;
      continue;
    }
    const text = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    for (let i = text.indexOf(XML_RECORD_END); i !== -1; i = text.indexOf(XML_RECORD_END, i + 1)) {
      if (text[i - 1] === 0x2f /* "/" */ || text[i - 2] === 0x2f) count++;
    }
    carry = text.subarray(Math.max(0, text.length - 16));
  }
  return { records: count, sha1: hash.digest("base64url") };
}
