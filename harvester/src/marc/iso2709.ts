import { chooseCharset, type CharsetOption } from "./charset.ts";
import type { EaccDecoder } from "./eacc.ts";
import { findDirectoryEnd, LEADER_LENGTH, latin1, readDirectory, readNumber } from "./iso2709-directory.ts";
import { decodeField, decodeMarc8RecordFields, decodeTextFields } from "./iso2709-fields.ts";
import { locateByCharacterOffsets, locateFields } from "./iso2709-location.ts";
import { Iso2709Splitter } from "./iso2709-splitter.ts";
import { clipRaw, MarcParseError, type ParsedRecord } from "./parsed.ts";
import type { MarcField, MarcRecord } from "./record.ts";

export interface Iso2709Options {
  /** Character set of the records: "auto" (default) reads leader/09 and corrects mislabelled records. */
  charset?: CharsetOption;
  /** Bytes without a record terminator before giving up on them (default 16 MiB). */
  maxRecordBytes?: number;
  /** CJK decoding for MARC-8 records (defaults to yaz-iconv when installed). */
  eacc?: EaccDecoder;
}

const RECORD_TERMINATOR = 0x1d;
const DEFAULT_MAX_RECORD_BYTES = 16 * 1024 * 1024;

/**
 * Reads ISO 2709 records from a byte stream, one record in memory at a time. Broken records are
 * returned as rejections with a reason and reading continues with the next record.
 */
export async function* readIso2709(
  source: AsyncIterable<Buffer | Uint8Array>,
  options: Iso2709Options = {},
): AsyncGenerator<ParsedRecord> {
  const splitter = new Iso2709Splitter(options.maxRecordBytes ?? DEFAULT_MAX_RECORD_BYTES);
  let position = 0;
  for await (const chunk of source) {
    for (const piece of splitter.push(chunk))
      yield toParsedRecord(piece.bytes, piece.problem, position++, options);
  }
  for (const piece of splitter.end()) yield toParsedRecord(piece.bytes, piece.problem, position++, options);
}

function toParsedRecord(
  bytes: Buffer,
  problem: string | undefined,
  position: number,
  options: Iso2709Options,
): ParsedRecord {
  if (problem !== undefined)
    return { ok: false, reason: problem, position, raw: clipRaw(bytes.toString("utf8")) };
  try {
    return { ok: true, record: parseIso2709Record(bytes, options), position };
  } catch (error) {
    const reason = error instanceof MarcParseError ? error.message : `unexpected error: ${String(error)}`;
    return { ok: false, reason, position, raw: clipRaw(bytes.toString("utf8")) };
  }
}

/**
 * Parses one ISO 2709 record (with or without its record terminator). Throws MarcParseError with a
 * readable reason when the record cannot be decoded. Values are always Unicode, so the returned
 * leader has leader/09 = "a".
 */
export function parseIso2709Record(bytes: Buffer, options: Iso2709Options = {}): MarcRecord {
  if (bytes.length < LEADER_LENGTH) {
    throw new MarcParseError(`record is only ${bytes.length} bytes long, shorter than a leader`);
  }
  const end = bytes[bytes.length - 1] === RECORD_TERMINATOR ? bytes.length - 1 : bytes.length;
  if (readNumber(bytes, 0, 5) < 0) {
    throw new MarcParseError(`leader record length "${latin1(bytes, 0, 5)}" is not a number`);
  }
  const directoryEnd = findDirectoryEnd(bytes, end);
  const entries = readDirectory(bytes, directoryEnd);
  if (entries.length === 0) throw new MarcParseError("record has no fields");
  const dataStart = directoryEnd + 1;
  const charset = chooseCharset(bytes.subarray(LEADER_LENGTH, end), bytes[9]!, options.charset);
  const location = locateFields(bytes, entries, dataStart, end);
  let fields: MarcField[];
  if ("spans" in location) {
    fields =
      charset === "marc8"
        ? decodeMarc8RecordFields(bytes, entries, location.spans, options.eacc)
        : decodeTextFields(bytes, entries, location, charset);
  } else {
    const texts =
      charset === "utf8"
        ? locateByCharacterOffsets(bytes.toString("utf8", dataStart, end), entries)
        : undefined;
    if (!texts) throw new MarcParseError(location.problem);
    fields = entries.map((entry, i) => decodeField(entry.tag, texts[i]!, "utf8"));
  }
  return { leader: normaliseLeader(bytes), fields };
}

const LEADER_IS_PLAIN = /^[\x20-\x7e]{9}a[0-9]{2}[\x20-\x7e]{12}$/;

/** Leader with control bytes blanked, leader/09 = "a", and MARC 21 indicator/subfield code counts. */
function normaliseLeader(bytes: Buffer): string {
  const leader = bytes.toString("latin1", 0, LEADER_LENGTH);
  if (LEADER_IS_PLAIN.test(leader)) return leader;
  const printable = leader.replace(/[^\x20-\x7e]/g, " ");
  const counts = /^[0-9]{2}$/.test(printable.slice(10, 12)) ? printable.slice(10, 12) : "22";
  return `${printable.slice(0, 9)}a${counts}${printable.slice(12)}`;
}
