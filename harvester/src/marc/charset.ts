import { isUtf8 } from "node:buffer";
import { ANSEL_C1, CharacterSet, MARC8_TABLES } from "./marc8-tables.ts";

export type RecordCharset = "utf8" | "marc8" | "latin1";

/** "auto" follows leader/09 but corrects the common mislabellings (see chooseCharset). */
export type CharsetOption = "auto" | RecordCharset;

const ESC = 0x1b;
const ANSEL = MARC8_TABLES.get(CharacterSet.extendedLatin)!;

/**
 * Picks the encoding of one ISO 2709 record. leader/09 "a" means UTF-8 and anything else MARC-8,
 * but exports often get it wrong, so in "auto" mode:
 * - blank (or junk) leader/09 whose data is valid UTF-8 with no escape sequences is UTF-8 —
 *   MARC-8 text with diacritics is practically never valid UTF-8;
 * - leader/09 "a" whose data is not UTF-8, contains no UTF-8 multibyte character at all, and
 *   whose high bytes are all ANSEL characters is MARC-8.
 */
export function chooseCharset(
  data: Uint8Array,
  leader09: number,
  option: CharsetOption = "auto",
): RecordCharset {
  if (option !== "auto") return option;
  if (leader09 === 0x61 /* a */) {
    return isUtf8(data) || !looksLikeMarc8(data) ? "utf8" : "marc8";
  }
  return !data.includes(ESC) && isUtf8(data) ? "utf8" : "marc8";
}

function looksLikeMarc8(data: Uint8Array): boolean {
  for (let i = 0; i < data.length; i++) {
    const b = data[i]!;
    if (b < 0x80) continue;
    if (utf8SequenceLength(data, i) > 1) return false;
    const defined = b >= 0xa1 && b <= 0xfe ? ANSEL.codePoints[b & 0x7f] !== 0 : ANSEL_C1.has(b);
    if (!defined) return false;
  }
  return true;
}

/** Length of the well-formed UTF-8 sequence starting at `i`, or 0 if there is none. */
function utf8SequenceLength(data: Uint8Array, i: number): number {
  const lead = data[i]!;
  const size =
    lead >= 0xc2 && lead <= 0xdf
      ? 2
      : lead >= 0xe0 && lead <= 0xef
        ? 3
        : lead >= 0xf0 && lead <= 0xf4
          ? 4
          : 0;
  if (size === 0 || i + size > data.length) return 0;
  for (let k = 1; k < size; k++) {
    if ((data[i + k]! & 0xc0) !== 0x80) return 0;
  }
  return size;
}
