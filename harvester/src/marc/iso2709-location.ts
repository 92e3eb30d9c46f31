import type { DirectoryEntry } from "./iso2709-directory.ts";

const FIELD_TERMINATOR = 0x1e;

/** A field's data, from its first byte up to (not including) its field terminator. */
export interface Span {
  start: number;
  end: number;
}

export type FieldLocation =
  | {
      spans: Span[];
      /** Fields follow each other in directory order, each closed by its terminator. */
      contiguous: boolean;
    }
  | { problem: string };

/**
 * Finds each field's data. Directory offsets are trusted when they point at field boundaries
 * (lengths may be off: the field terminator decides). When they do not — lengths counted in
 * characters, saturated or wrapped offsets — and the data holds exactly one field per directory
 * entry, fields are taken in directory order.
 */
export function locateFields(
  bytes: Buffer,
  entries: DirectoryEntry[],
  dataStart: number,
  end: number,
): FieldLocation {
  const spans: Span[] = [];
  let contiguous = true;
  let next = dataStart;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    const start = dataStart + entry.offset;
    const problem =
      start >= end
        ? "points outside the record"
        : start !== dataStart && bytes[start - 1] !== FIELD_TERMINATOR
          ? "does not point at the start of a field"
          : undefined;
    if (problem) {
      return fallBackToSequence(
        bytes,
        entries,
        dataStart,
        end,
        `directory entry ${i + 1} (tag ${entry.tag}) ${problem}`,
      );
    }
    const declaredEnd = start + entry.length - 1;
    const fieldEnd =
      entry.length > 0 && declaredEnd < end && bytes[declaredEnd] === FIELD_TERMINATOR
        ? declaredEnd
        : terminatorFrom(bytes, start, end);
    spans.push({ start, end: fieldEnd });
    contiguous &&= start === next;
    next = fieldEnd + 1;
  }
  return { spans, contiguous };
}

function terminatorFrom(bytes: Buffer, start: number, end: number): number {
  for (let i = start; i < end; i++) if (bytes[i] === FIELD_TERMINATOR) return i;
  return end;
}

function fallBackToSequence(
  bytes: Buffer,
  entries: DirectoryEntry[],
  dataStart: number,
  end: number,
  problem: string,
): FieldLocation {
  const spans: Span[] = [];
  let start = dataStart;
  for (let i = dataStart; i < end; i++) {
    if (bytes[i] !== FIELD_TERMINATOR) continue;
    spans.push({ start, end: i });
    start = i + 1;
  }
  if (start < end) spans.push({ start, end });
  if (spans.length === entries.length) return { spans, contiguous: true };
  return {
    problem: `${problem}, and the ${spans.length} fields found do not match its ${entries.length} entries`,
  };
}

/**
 * Some systems write UTF-8 records with lengths and offsets counted in characters. Returns the
 * field texts when every entry, read in characters, starts after a field terminator and ends on one.
 */
export function locateByCharacterOffsets(data: string, entries: DirectoryEntry[]): string[] | undefined {
  if (/[\ud800-\udfff]/.test(data)) return undefined; // code units would not be characters
  const texts: string[] = [];
  for (const { offset, length } of entries) {
    const terminator = offset + length - 1;
    if (length < 1 || offset > data.length || (offset > 0 && data[offset - 1] !== "\x1e")) return undefined;
    if (terminator < data.length && data[terminator] !== "\x1e") return undefined;
    texts.push(data.slice(offset, Math.min(terminator, data.length)));
  }
  return texts;
}
