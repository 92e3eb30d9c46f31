import { MarcParseError } from "./parsed.ts";

export const LEADER_LENGTH = 24;
const FIELD_TERMINATOR = 0x1e;
/** Leader and directory values saturate at 99999 in records too long for the format. */
const SATURATED = 99999;

export interface DirectoryEntry {
  tag: string;
  length: number;
  offset: number;
}

/** Digits in a directory entry for the field length and the starting position. */
interface EntryLayout {
  lengthDigits: number;
  offsetDigits: number;
}

const MARC21_LAYOUT: EntryLayout = { lengthDigits: 4, offsetDigits: 5 };
/** Oversized records seen in the wild widen one directory value by a digit. */
const WIDENED_LAYOUTS: EntryLayout[] = [
  MARC21_LAYOUT,
  { lengthDigits: 5, offsetDigits: 5 },
  { lengthDigits: 4, offsetDigits: 6 },
];

/** The digits at `start`, or -1 if any of them is not a digit. */
export function readNumber(bytes: Uint8Array, start: number, length: number): number {
  if (start + length > bytes.length) return -1;
  let value = 0;
  for (let i = start; i < start + length; i++) {
    const digit = bytes[i]! - 0x30;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

export function latin1(bytes: Buffer, start: number, end: number): string {
  return bytes.toString("latin1", start, Math.min(end, bytes.length));
}

/** Index of the field terminator that closes the directory; `end` excludes the record terminator. */
export function findDirectoryEnd(bytes: Buffer, end: number): number {
  const baseAddress = readNumber(bytes, 12, 5);
  if (baseAddress < 0)
    throw new MarcParseError(`leader base address "${latin1(bytes, 12, 17)}" is not a number`);
  if (baseAddress <= LEADER_LENGTH)
    throw new MarcParseError(`base address ${baseAddress} points inside the leader`);
  if (baseAddress > end && baseAddress !== SATURATED) {
    throw new MarcParseError(
      `base address ${baseAddress} is beyond the end of the record (${end + 1} bytes)`,
    );
  }
  if (baseAddress <= end && bytes[baseAddress - 1] === FIELD_TERMINATOR) return baseAddress - 1;
  // Wrong or saturated base address: the directory is all digits, so its end is the first terminator.
  const terminator = bytes.indexOf(FIELD_TERMINATOR, LEADER_LENGTH);
  if (terminator < 0 || terminator >= end) throw new MarcParseError("directory is not terminated");
  return terminator;
}

export function readDirectory(bytes: Buffer, directoryEnd: number): DirectoryEntry[] {
  try {
    return readDirectoryOrFail(bytes, directoryEnd);
  } catch (error) {
    // Name a stray byte (often a multibyte character) rather than its consequences.
    for (let i = LEADER_LENGTH; i < directoryEnd; i++) {
      const b = bytes[i]!;
      if (b < 0x20 || b > 0x7e)
        throw new MarcParseError(`directory contains the byte 0x${b.toString(16)} at position ${i}`);
    }
    throw error;
  }
}

function readDirectoryOrFail(bytes: Buffer, directoryEnd: number): DirectoryEntry[] {
  const size = directoryEnd - LEADER_LENGTH;
  for (const layout of [declaredLayout(bytes), MARC21_LAYOUT]) {
    const width = 3 + layout.lengthDigits + layout.offsetDigits;
    if (size % width === 0) return readFixedDirectory(bytes, LEADER_LENGTH, directoryEnd, layout);
  }
  const repaired =
    readWidenedDirectory(bytes, directoryEnd) ?? readDirectoryMissingLeadingZeros(bytes, directoryEnd);
  if (repaired) return repaired;
  throw new MarcParseError(`directory length ${size} is not a multiple of 12`);
}

/** leader/20-21, when they are sensible digits; MARC 21 (4 and 5) otherwise. */
function declaredLayout(bytes: Buffer): EntryLayout {
  const lengthDigits = bytes[20]! - 0x30;
  const offsetDigits = bytes[21]! - 0x30;
  if (lengthDigits === 4 && offsetDigits === 5) return MARC21_LAYOUT;
  const valid = (n: number): boolean => n >= 1 && n <= 9;
  return valid(lengthDigits) && valid(offsetDigits) ? { lengthDigits, offsetDigits } : MARC21_LAYOUT;
}

const tags = new Map<number, string>();
const MAX_CACHED_TAGS = 4096;

/** Tags are shared strings: records repeat the same few hundred. */
function tagAt(bytes: Uint8Array, at: number): string {
  const key = (bytes[at]! << 16) | (bytes[at + 1]! << 8) | bytes[at + 2]!;
  let tag = tags.get(key);
  if (tag === undefined) {
    tag = String.fromCharCode(bytes[at]!, bytes[at + 1]!, bytes[at + 2]!);
    if (tags.size < MAX_CACHED_TAGS) tags.set(key, tag);
  }
  return tag;
}

function readEntry(bytes: Uint8Array, at: number, layout: EntryLayout): DirectoryEntry | undefined {
  for (let i = at; i < at + 3; i++) if (bytes[i]! < 0x20 || bytes[i]! > 0x7e) return undefined;
  const length = readNumber(bytes, at + 3, layout.lengthDigits);
  const offset = readNumber(bytes, at + 3 + layout.lengthDigits, layout.offsetDigits);
  if (length < 0 || offset < 0) return undefined;
  return { tag: tagAt(bytes, at), length, offset };
}

function readFixedDirectory(
  bytes: Buffer,
  from: number,
  directoryEnd: number,
  layout: EntryLayout,
): DirectoryEntry[] {
  const width = 3 + layout.lengthDigits + layout.offsetDigits;
  const entries: DirectoryEntry[] = [];
  for (let at = from; at < directoryEnd; at += width) {
    const entry = readEntry(bytes, at, layout);
    if (!entry) {
      const text = JSON.stringify(latin1(bytes, at, at + width));
      throw new MarcParseError(`directory entry ${entries.length + 1} ${text} is not numeric`);
    }
    entries.push(entry);
  }
  return entries;
}

/**
 * Directories of records over the format's limits where some entries carry a 5-digit length or
 * a 6-digit offset. Entries must then follow each other in the data, which tells the widths apart.
 */
function readWidenedDirectory(bytes: Buffer, directoryEnd: number): DirectoryEntry[] | undefined {
  const entries: DirectoryEntry[] = [];
  let expectedOffset = 0;
  for (let at = LEADER_LENGTH; at < directoryEnd;) {
    let chosen: { entry: DirectoryEntry; width: number } | undefined;
    for (const layout of WIDENED_LAYOUTS) {
      const width = 3 + layout.lengthDigits + layout.offsetDigits;
      if (at + width > directoryEnd) continue;
      const entry = readEntry(bytes, at, layout);
      if (entry?.offset === expectedOffset) {
        chosen = { entry, width };
        break;
      }
    }
    if (!chosen) return undefined;
    entries.push(chosen.entry);
    expectedOffset = chosen.entry.offset + chosen.entry.length;
    at += chosen.width;
  }
  return entries;
}

/**
 * Directories whose first entry lost leading zeros ("01001300000" for "001001300000"): the
 * entries after it are read back from the end, and the first is accepted if, padded with zeros,
 * it describes a field at offset 0 that ends where the second begins.
 */
function readDirectoryMissingLeadingZeros(bytes: Buffer, directoryEnd: number): DirectoryEntry[] | undefined {
  const missing = 12 - ((directoryEnd - LEADER_LENGTH) % 12);
  const firstEnd = LEADER_LENGTH + 12 - missing;
  const padded = Buffer.from("0".repeat(missing) + latin1(bytes, LEADER_LENGTH, firstEnd), "latin1");
  const first = readEntry(padded, 0, MARC21_LAYOUT);
  if (!first || first.offset !== 0) return undefined;
  let rest: DirectoryEntry[];
  try {
    rest = readFixedDirectory(bytes, firstEnd, directoryEnd, MARC21_LAYOUT);
  } catch {
    return undefined;
  }
  return rest[0] === undefined || rest[0].offset === first.length ? [first, ...rest] : undefined;
}
