import type { EaccDecoder } from "./eacc.ts";
import type { DirectoryEntry } from "./iso2709-directory.ts";
import type { Span } from "./iso2709-location.ts";
import { decodeMarc8Fields } from "./marc8.ts";
import type { MarcField } from "./record.ts";

const SUBFIELD_DELIMITER = 0x1f;

/** Fields of a UTF-8 or Latin-1 record: contiguous data is decoded in one go and split. */
export function decodeTextFields(
  bytes: Buffer,
  entries: DirectoryEntry[],
  location: { spans: Span[]; contiguous: boolean },
  charset: "utf8" | "latin1",
): MarcField[] {
  const { spans } = location;
  if (location.contiguous && spans.length > 0) {
    const texts = bytes.toString(charset, spans[0]!.start, spans[spans.length - 1]!.end).split("\x1e");
    if (texts.length === entries.length)
      return entries.map((entry, i) => decodeField(entry.tag, texts[i]!, charset));
  }
  return entries.map((entry, i) =>
    decodeField(entry.tag, bytes.toString(charset, spans[i]!.start, spans[i]!.end), charset),
  );
}

/** Text between the indicators and the first subfield is kept under this code rather than lost. */
const STRAY_TEXT_CODE = "?";

let skippedStrayDelimiter = false;

/**
 * Index of the next subfield delimiter at or after `from`. A delimiter followed by a blank, a
 * control character or nothing has no code: it is a stray byte, not a subfield boundary.
 */
function nextDelimiter(text: string, from: number): number {
  for (let i = text.indexOf("\x1f", from); i >= 0; i = text.indexOf("\x1f", i + 1)) {
    if (text.charCodeAt(i + 1) > 0x20) return i;
    skippedStrayDelimiter = true;
  }
  return -1;
}

function withoutStrayDelimiters(text: string): string {
  return text.includes("\x1f") ? text.replaceAll("\x1f", "") : text;
}

/**
 * A field with a subfield delimiter is a data field, otherwise a control field — decided by the
 * data rather than the tag, so nothing is lost when a tag and its content disagree.
 */
export function decodeField(tag: string, text: string, charset: "utf8" | "latin1"): MarcField {
  skippedStrayDelimiter = false;
  const first = nextDelimiter(text, 0);
  if (first < 0) return { tag, value: skippedStrayDelimiter ? withoutStrayDelimiters(text) : text };
  const subfields: Array<[string, string]> = [];
  const [ind1, ind2, stray] = splitIndicators(
    skippedStrayDelimiter ? withoutStrayDelimiters(text.slice(0, first)) : text.slice(0, first),
  );
  if (stray) subfields.push([STRAY_TEXT_CODE, stray]);
  for (let at = first; at >= 0;) {
    skippedStrayDelimiter = false;
    const next = nextDelimiter(text, at + 1);
    const stop = next < 0 ? text.length : next;
    let code = text[at + 1]!;
    if (code.charCodeAt(0) >= 0x80) {
      code = String.fromCodePoint(text.codePointAt(at + 1)!);
      if (charset === "utf8") code = repairedSubfieldCode(code);
    }
    const value = text.slice(at + 1 + code.length, stop);
    subfields.push([code, skippedStrayDelimiter ? withoutStrayDelimiters(value) : value]);
    at = next;
  }
  return { tag, ind1, ind2, subfields };
}

/**
 * The first two characters before the first delimiter are the indicators (blank when missing).
 * One more character is taken for a third indicator (some formats have three) and dropped;
 * anything longer is stray text.
 */
function splitIndicators(text: string): [string, string, string] {
  if (text.length === 2 && text.charCodeAt(0) < 0xd800 && text.charCodeAt(1) < 0xd800)
    return [text[0]!, text[1]!, ""];
  const chars = Array.from(text);
  const rest = chars.length > 3 ? chars.slice(2).join("") : "";
  return [chars[0] ?? " ", chars[1] ?? " ", rest];
}

/** A UTF-8 accented letter as subfield code is a mis-encoded ASCII code: "á" → "a". */
function repairedSubfieldCode(code: string): string {
  const base = code.normalize("NFD")[0] ?? code;
  return /^[0-9a-z]$/i.test(base) ? base : code;
}

/**
 * MARC-8 records are decoded all at once, subfield by subfield: escape sequences carry across
 * subfields of a field, and the CJK text of the whole record is converted in one go.
 */
export function decodeMarc8RecordFields(
  bytes: Buffer,
  entries: DirectoryEntry[],
  spans: Span[],
  eacc: EaccDecoder | undefined,
): MarcField[] {
  const split = spans.map((span) => splitMarc8Field(bytes.subarray(span.start, span.end)));
  const decoded = decodeMarc8Fields(
    split.map((field) => field.pieces),
    { eacc },
  );
  return entries.map((entry, i): MarcField => {
    const { codes, isDataField } = split[i]!;
    const text = decoded[i]!;
    if (!isDataField) return { tag: entry.tag, value: text[0]! };
    const [ind1, ind2, stray] = splitIndicators(text[0]!);
    const subfields = codes.map((code, k): [string, string] => [code, text[k + 1]!]);
    if (stray) subfields.unshift([STRAY_TEXT_CODE, stray]);
    return { tag: entry.tag, ind1, ind2, subfields };
  });
}

const ESC = 0x1b;
const OPEN_PARENTHESIS = 0x28;
const CYRILLIC_FINAL = 0x4e;
const CYRILLIC_CAPITAL_E = 0x7c;

/**
 * Splits MARC-8 field data at its subfield delimiters into pieces to decode — [indicators,
 * value, value, ...], or [value] for a control field — and the subfield codes, which are plain
 * bytes whatever character set is designated.
 */
function splitMarc8Field(field: Uint8Array): { pieces: Uint8Array[]; codes: string[]; isDataField: boolean } {
  const data = withoutStrayMarc8Delimiters(field);
  const delimiters: number[] = [];
  for (let i = data.indexOf(SUBFIELD_DELIMITER); i >= 0; i = data.indexOf(SUBFIELD_DELIMITER, i + 1))
    delimiters.push(i);
  if (delimiters.length === 0) return { pieces: [data], codes: [], isDataField: false };
  const pieces = [data.subarray(0, delimiters[0])];
  const codes: string[] = [];
  for (let k = 0; k < delimiters.length; k++) {
    const from = delimiters[k]! + 1;
    codes.push(String.fromCharCode(data[from]!));
    pieces.push(data.subarray(from + 1, delimiters[k + 1] ?? data.length));
  }
  return { pieces, codes, isDataField: true };
}

/**
 * Drops delimiters not followed by a code (see nextDelimiter) and repairs the Cyrillic capital E
 * that some systems wrote as 0x1f right after "ESC ( N" (it is 0x7c in the Cyrillic set).
 */
function withoutStrayMarc8Delimiters(field: Uint8Array): Uint8Array {
  let data = field;
  const stray: number[] = [];
  for (let i = data.indexOf(SUBFIELD_DELIMITER); i >= 0; i = data.indexOf(SUBFIELD_DELIMITER, i + 1)) {
    if (i >= 3 && data[i - 3] === ESC && data[i - 2] === OPEN_PARENTHESIS && data[i - 1] === CYRILLIC_FINAL) {
      if (data === field) data = Uint8Array.from(field);
      data[i] = CYRILLIC_CAPITAL_E;
    } else if (!(data[i + 1]! > 0x20)) {
      stray.push(i);
    }
  }
  if (stray.length === 0) return data;
  const kept = new Uint8Array(data.length - stray.length);
  let from = 0;
  let k = 0;
  for (const i of [...stray, data.length]) {
    kept.set(data.subarray(from, i), k);
    k += i - from;
    from = i + 1;
  }
  return kept;
}
