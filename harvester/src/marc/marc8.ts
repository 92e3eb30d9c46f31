import { defaultEaccDecoder, type EaccDecoder } from "./eacc.ts";
import { ANSEL_C1, CharacterSet, MARC8_TABLES, NO_CHARACTER, type Marc8Table } from "./marc8-tables.ts";

export interface Marc8Options {
  /** How CJK (EACC) runs are decoded; defaults to yaz-iconv when installed. */
  eacc?: EaccDecoder;
}

const ESC = 0x1b;
const REPLACEMENT = 0xfffd;
/** Placeholders for EACC runs in the code point buffer, above the Unicode range. */
const EACC_MARKER = 0x200000;

interface Designations {
  g0: number;
  g1: number;
}

function defaultDesignations(): Designations {
  return { g0: CharacterSet.basicLatin, g1: CharacterSet.extendedLatin };
}

/** A decoded piece: code points, with EACC_MARKER + n standing for EACC run n. */
interface PendingPiece {
  codePoints: number[];
  nonAscii: boolean;
}

/**
 * Decodes one string of MARC-8 (starting with the default designations: ASCII in G0, ANSEL in
 * G1) to NFC Unicode. Never throws: unknown bytes and bad escapes become U+FFFD.
 */
export function decodeMarc8(bytes: Uint8Array, options: Marc8Options = {}): string {
  return decodeMarc8Fields([[bytes]], options)[0]![0]!;
}

/**
 * Decodes many MARC-8 strings at once, grouped by field. Designations made by escape sequences
 * carry over from one piece (subfield) to the next within a field, as real records rely on, and
 * are reset at each field. All CJK runs go to the EACC decoder in one call.
 */
export function decodeMarc8Fields(
  fields: readonly (readonly Uint8Array[])[],
  options: Marc8Options = {},
): string[][] {
  const decoder = new PieceDecoder();
  const results: (string | PendingPiece)[][] = fields.map((pieces) => {
    const designations = defaultDesignations();
    return pieces.map((piece) => decoder.decode(piece, designations));
  });
  if (decoder.eaccRuns.length === 0) return results as string[][];
  const eaccText = (options.eacc ?? defaultEaccDecoder).decodeRuns(decoder.eaccRuns);
  return results.map((pieces) =>
    pieces.map((piece) => (typeof piece === "string" ? piece : assemble(piece, eaccText))),
  );
}

/** Printable ASCII only: no escapes, no controls, nothing from G1. */
function isPrintableAscii(bytes: Uint8Array): boolean {
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b < 0x20 || b > 0x7e) return false;
  }
  return true;
}

/** Decodes pieces one after the other, collecting the EACC runs of all of them. */
class PieceDecoder {
  readonly eaccRuns: Uint8Array[] = [];
  private out: number[] = [];
  private readonly marks: number[] = [];
  private nonAscii = false;
  private run: number[] | undefined;
  private hasRun = false;

  decode(bytes: Uint8Array, designations: Designations): string | PendingPiece {
    if (designations.g0 === CharacterSet.basicLatin && isPrintableAscii(bytes)) {
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
    }
    this.out = [];
    this.marks.length = 0;
    this.nonAscii = false;
    this.hasRun = false;
    let g0 = MARC8_TABLES.get(designations.g0);
    let g1 = MARC8_TABLES.get(designations.g1);
    for (let i = 0; i < bytes.length;) {
      const b = bytes[i]!;
      if (b === ESC) {
        this.closeRun();
        const next = applyEscape(bytes, i, designations);
        if (next < 0) this.emit(REPLACEMENT);
        i = next < 0 ? i + 1 : next;
        g0 = MARC8_TABLES.get(designations.g0);
        g1 = MARC8_TABLES.get(designations.g1);
        continue;
      }
      const b7 = b & 0x7f;
      const inCjk = (b < 0x80 ? designations.g0 : designations.g1) === CharacterSet.cjk;
      if (inCjk && b7 >= 0x20 && b7 <= 0x7e) {
        (this.run ??= []).push(b7);
      } else {
        this.closeRun();
        if (b < 0x20)
          this.emit(b === 0x09 || b === 0x0a || b === 0x0d ? b : REPLACEMENT); // not MARC-8
        else if (b === 0x20) this.emit(0x20);
        else if (b < 0x7f) this.emitFromSet(g0, b, true);
        else if (b < 0xa0) this.emit(ANSEL_C1.get(b) ?? REPLACEMENT);
        else if (b === 0xa0 || b === 0xff) this.emit(REPLACEMENT);
        else this.emitFromSet(g1, b7, false);
      }
      i++;
    }
    this.closeRun();
    // Diacritics with nothing after them stay at the end rather than being lost.
    for (const mark of this.marks) this.out.push(mark);
    const piece: PendingPiece = { codePoints: this.out, nonAscii: this.nonAscii };
    return this.hasRun ? piece : assemble(piece, []);
  }

  private emit(codePoint: number): void {
    this.out.push(codePoint);
    if (codePoint > 0x7f) this.nonAscii = true;
    if (this.marks.length > 0) {
      for (const mark of this.marks) this.out.push(mark);
      this.marks.length = 0;
    }
  }

  private emitFromSet(table: Marc8Table | undefined, b7: number, isG0: boolean): void {
    const codePoint = table?.codePoints[b7] ?? 0;
    if (codePoint === NO_CHARACTER) return;
    if (codePoint === 0) {
      // Records often forget to escape back to ASCII; an undefined G0 position reads as ASCII.
      this.emit(isG0 ? b7 : REPLACEMENT);
    } else if (table!.combining[b7]) {
      this.marks.push(codePoint);
      this.nonAscii = true;
    } else {
      this.emit(codePoint);
    }
  }

  private closeRun(): void {
    if (!this.run) return;
    this.emit(EACC_MARKER + this.eaccRuns.length);
    this.eaccRuns.push(Uint8Array.from(this.run));
    this.hasRun = true;
    this.run = undefined;
  }
}

/**
 * Applies the escape sequence at `start` to the designations; returns the index after it, or -1
 * when the bytes are not a MARC-8 escape sequence.
 */
function applyEscape(bytes: Uint8Array, start: number, designations: Designations): number {
  const first = bytes[start + 1];
  if (first === undefined) return -1;
  switch (first) {
    case 0x67: // ESC g, ESC b, ESC p: technique 1, G0 only
    case 0x62:
    case 0x70:
      designations.g0 = first;
      return start + 2;
    case 0x73: // ESC s: back to ASCII
      designations.g0 = CharacterSet.basicLatin;
      return start + 2;
    case 0x28: // ( and , designate G0; ) and - designate G1
    case 0x2c:
      return designate(bytes, start + 2, designations, "g0", false);
    case 0x29:
    case 0x2d:
      return designate(bytes, start + 2, designations, "g1", false);
    case 0x24: {
      const second = bytes[start + 2];
      if (second === 0x28 || second === 0x2c) return designate(bytes, start + 3, designations, "g0", true);
      if (second === 0x29 || second === 0x2d) return designate(bytes, start + 3, designations, "g1", true);
      return designate(bytes, start + 2, designations, "g0", true);
    }
    default:
      return -1;
  }
}

function designate(
  bytes: Uint8Array,
  at: number,
  designations: Designations,
  target: "g0" | "g1",
  multibyte: boolean,
): number {
  const final = bytes[at];
  if (final === undefined) return -1;
  if (multibyte) {
    if (final !== CharacterSet.cjk) return -1;
    designations[target] = CharacterSet.cjk;
    return at + 1;
  }
  if (final === 0x21) {
    // "!E" is ANSEL; ESC ( ! and ESC ) ! followed by anything else is not a MARC-8 set.
    if (bytes[at + 1] !== 0x45) return -1;
    designations[target] = CharacterSet.extendedLatin;
    return at + 2;
  }
  if (!MARC8_TABLES.has(final)) return -1;
  designations[target] = final;
  return at + 1;
}

const CHUNK = 4096;

function fromCodePoints(codePoints: number[], start: number, end: number): string {
  if (end - start <= CHUNK) return String.fromCodePoint(...codePoints.slice(start, end));
  const parts: string[] = [];
  for (let i = start; i < end; i += CHUNK)
    parts.push(String.fromCodePoint(...codePoints.slice(i, Math.min(end, i + CHUNK))));
  return parts.join("");
}

function assemble(piece: PendingPiece, eaccText: readonly string[]): string {
  const { codePoints } = piece;
  let text = "";
  let from = 0;
  for (let i = 0; i < codePoints.length; i++) {
    const codePoint = codePoints[i]!;
    if (codePoint < EACC_MARKER) continue;
    text += fromCodePoints(codePoints, from, i) + (eaccText[codePoint - EACC_MARKER] ?? "\ufffd");
    from = i + 1;
  }
  text += fromCodePoints(codePoints, from, codePoints.length);
  return piece.nonAscii ? text.normalize("NFC") : text;
}
