import { localName, MarcXmlRecordBuilder } from "./marcxml.ts";
import type { ParsedRecord } from "./parsed.ts";
import { XmlTextDecoder } from "./xml-text-decoder.ts";

/**
 * A fast reader for the plain XML that MARCXML files are made of, about ten times faster than
 * saxes. It accepts only a conservative subset of XML — elements with simple attributes, text with
 * the predefined entities and valid character references, CDATA sections, comments, an XML
 * declaration — and checks it as strictly as saxes does. It feeds the same MarcXmlRecordBuilder
 * readMarcXml uses, so for the subset both give the same records.
 *
 * On anything outside the subset (a DOCTYPE, a processing instruction, an undefined entity, a
 * character XML forbids, mismatched tags, a truncated file...) it stops and reports how many
 * records it gave: the caller then reads the input again with readMarcXml (saxes) and skips that
 * many, so errors and their messages are exactly saxes's and nothing is read differently.
 */
export interface FastXmlOutcome {
  /** True when the input ended cleanly; false when the fast reader gave up (see above). */
  complete: boolean;
}

/** Characters XML 1.0 forbids (lone surrogates cannot come out of a TextDecoder). */
// eslint-disable-next-line no-control-regex -- these are the characters being looked for
const FORBIDDEN_CHAR = /[\x00-\x08\x0B\x0C\x0E-\x1F\uFFFE\uFFFF]/;
const NAME = /^[A-Za-z_:][A-Za-z0-9._:-]*$/;
const WHITESPACE_ONLY = /^[ \t\n\r]*$/;
const XML_DECLARATION =
  /^<\?xml[ \t\n\r]+version[ \t\n\r]*=[ \t\n\r]*(["'])1\.0\1(?:[ \t\n\r]+encoding[ \t\n\r]*=[ \t\n\r]*(["'])[A-Za-z][A-Za-z0-9._-]*\2)?(?:[ \t\n\r]+standalone[ \t\n\r]*=[ \t\n\r]*(["'])(?:yes|no)\3)?[ \t\n\r]*\?>/;
/** A single token (text run or tag) longer than this is left to saxes, which streams it. */
const MAX_CARRY = 16 * 1024 * 1024;

const PREDEFINED: Readonly<Record<string, string>> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

function isXmlChar(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

/** Decodes entity and character references; undefined when one is not in the subset. */
function decodeReferences(text: string): string | undefined {
  let out = "";
  let from = 0;
  for (let amp = text.indexOf("&"); amp !== -1; amp = text.indexOf("&", from)) {
    const semi = text.indexOf(";", amp + 1);
    if (semi === -1 || semi - amp > 12) return undefined;
    const name = text.slice(amp + 1, semi);
    let value: string | undefined;
    if (name.charCodeAt(0) === 0x23 /* # */) {
      const hex = name.charCodeAt(1) === 0x78; /* x */
      const digits = name.slice(hex ? 2 : 1);
      if (!(hex ? /^[0-9A-Fa-f]+$/ : /^[0-9]+$/).test(digits)) return undefined;
      const code = Number.parseInt(digits, hex ? 16 : 10);
      if (!isXmlChar(code)) return undefined;
      value = String.fromCodePoint(code);
    } else {
      value = PREDEFINED[name];
      if (value === undefined) return undefined;
    }
    out += text.slice(from, amp) + value;
    from = semi + 1;
  }
  return out + text.slice(from);
}

function isSpace(code: number): boolean {
  return code === 0x20 || code === 0x0a || code === 0x09 || code === 0x0d;
}

function isNameChar(code: number): boolean {
  return (
    (code >= 0x61 && code <= 0x7a) ||
    (code >= 0x41 && code <= 0x5a) ||
    (code >= 0x30 && code <= 0x3a) || // digits and ":"
    code === 0x5f ||
    code === 0x2d ||
    code === 0x2e
  );
}

/** Thrown inside the scanner to give up; never escapes this module. */
class GiveUp extends Error {}
const GIVE_UP = new GiveUp("outside the fast subset");

class Scanner {
  readonly builder = new MarcXmlRecordBuilder();
  readonly ready: ParsedRecord[] = [];
  private readonly open: string[] = [];
  /** Element names already checked, with their local names. */
  private readonly names = new Map<string, string>();
  /** Inside a datafield: its subfield start tag up to the code's value, and end tag. */
  private subfieldOpen: string | undefined;
  private subfieldClose = "";
  private sawRoot = false;
  private rootClosed = false;
  private atStart = true;
  /** Flags for the text being scanned: whether slower checks are needed at all. */
  private hasAmp = false;
  private hasCr = false;
  private hasCdataEnd = false;

  /** Scans `text` as far as complete tokens go; returns the index where the rest begins. */
  scan(text: string, final: boolean): number {
    if (FORBIDDEN_CHAR.test(text)) throw GIVE_UP;
    this.hasAmp = text.includes("&");
    this.hasCr = text.includes("\r");
    this.hasCdataEnd = text.includes("]]>");
    const length = text.length;
    let i = 0;
    if (this.atStart) {
      if (length < 6 && !final) return 0;
      this.atStart = false;
      if (text.startsWith("<?xml")) {
        const declaration = XML_DECLARATION.exec(text);
        if (!declaration) {
          if (!final && text.indexOf("?>") === -1) {
            this.atStart = true;
            return 0;
          }
          throw GIVE_UP;
        }
        i = declaration[0].length;
      }
    }
    while (i < length) {
      const lt = text.indexOf("<", i);
      if (lt === -1) {
        if (!final) return i;
        this.characters(text, i, length);
        return length;
      }
      if (lt > i) this.characters(text, i, lt);
      i = lt;
      if (this.subfieldOpen !== undefined && text.startsWith(this.subfieldOpen, lt)) {
        const end = this.plainSubfield(text, lt + this.subfieldOpen.length);
        if (end !== -1) {
          i = end;
          continue;
        }
      }
      if (lt + 1 >= length) {
        if (final) throw GIVE_UP;
        return lt;
      }
      const next = text.charCodeAt(lt + 1);
      if (next === 0x2f /* / */) {
        const gt = text.indexOf(">", lt + 2);
        if (gt === -1) {
          if (final) throw GIVE_UP;
          return lt;
        }
        this.endTag(text, lt + 2, gt);
        i = gt + 1;
      } else if (next === 0x21 /* ! */) {
        const end = this.markupDeclaration(text, lt, final);
        if (end === -1) return lt;
        i = end;
      } else if (next === 0x3f /* ? */) {
        throw GIVE_UP; // processing instructions (and a misplaced XML declaration)
      } else {
        const end = this.startTag(text, lt, final);
        if (end === -1) return lt;
        i = end;
      }
    }
    return i;
  }

  /**
   * `<subfield code="x">value</subfield>` with nothing unusual in it, from the code's position;
   * -1 to leave it to the general path.
   */
  private plainSubfield(text: string, at: number): number {
    if (text.charCodeAt(at + 1) !== 0x22 || text.charCodeAt(at + 2) !== 0x3e) return -1;
    const code = text.charCodeAt(at);
    if (code === 0x3c || code === 0x26 || code === 0x09 || code === 0x0a || code === 0x0d) return -1;
    const from = at + 3;
    const to = text.indexOf("<", from);
    if (to === -1 || !text.startsWith(this.subfieldClose, to)) return -1;
    let value = text.slice(from, to);
    if (this.hasCdataEnd && value.includes("]]>")) throw GIVE_UP;
    if (this.hasCr) value = value.replace(/\r\n?/g, "\n");
    if (this.hasAmp && value.includes("&")) {
      const decoded = decodeReferences(value);
      if (decoded === undefined) throw GIVE_UP;
      value = decoded;
    }
    this.builder.subfield(text[at]!, value);
    return to + this.subfieldClose.length;
  }

  /** Now inside element `name`: subfields may take the fast path if it is a datafield. */
  private enter(name: string, local: string): void {
    if (local !== "datafield") return;
    const prefix = name.slice(0, name.length - local.length);
    this.subfieldOpen = `<${prefix}subfield code="`;
    this.subfieldClose = `</${prefix}subfield>`;
  }

  private localNameOf(name: string): string {
    let local = this.names.get(name);
    if (local === undefined) {
      if (!NAME.test(name)) throw GIVE_UP;
      local = localName(name);
      if (this.names.size < 1000) this.names.set(name, local);
    }
    return local;
  }

  end(): void {
    if (!this.sawRoot || !this.rootClosed) throw GIVE_UP;
  }

  private characters(text: string, from: number, to: number): void {
    if (this.open.length === 0) {
      // Outside the root element only whitespace may appear.
      if (!WHITESPACE_ONLY.test(text.slice(from, to))) throw GIVE_UP;
      return;
    }
    if (!this.builder.capturingText && !this.hasAmp && !this.hasCdataEnd) return;
    let value = text.slice(from, to);
    if (this.hasCdataEnd && value.includes("]]>")) throw GIVE_UP;
    if (this.hasAmp && value.includes("&")) {
      const decoded = decodeReferences(this.hasCr ? value.replace(/\r\n?/g, "\n") : value);
      if (decoded === undefined) throw GIVE_UP;
      this.builder.text(decoded);
      return;
    }
    if (this.hasCr) value = value.replace(/\r\n?/g, "\n");
    this.builder.text(value);
  }

  private endTag(text: string, from: number, gt: number): void {
    let to = gt;
    while (to > from && isSpace(text.charCodeAt(to - 1))) to--;
    const name = text.slice(from, to);
    const expected = this.open.pop();
    if (name !== expected) throw GIVE_UP;
    if (this.open.length === 0) this.rootClosed = true;
    this.subfieldOpen = undefined;
    const parsed = this.builder.closeTag(this.localNameOf(name));
    if (parsed) this.ready.push(parsed);
    const parent = this.open[this.open.length - 1];
    if (parent !== undefined) this.enter(parent, this.localNameOf(parent));
  }

  /** Comments and CDATA sections; -1 when incomplete. */
  private markupDeclaration(text: string, lt: number, final: boolean): number {
    if (text.startsWith("<!--", lt)) {
      const close = text.indexOf("-->", lt + 4);
      if (close === -1) {
        if (final) throw GIVE_UP;
        return -1;
      }
      const body = text.slice(lt + 4, close);
      if (body.includes("--") || body.endsWith("-")) throw GIVE_UP;
      return close + 3;
    }
    if (text.startsWith("<![CDATA[", lt)) {
      if (this.open.length === 0) throw GIVE_UP;
      const close = text.indexOf("]]>", lt + 9);
      if (close === -1) {
        if (final) throw GIVE_UP;
        return -1;
      }
      const body = text.slice(lt + 9, close);
      this.builder.text(this.hasCr ? body.replace(/\r\n?/g, "\n") : body);
      return close + 3;
    }
    if (!final && text.length - lt < 9) return -1;
    throw GIVE_UP; // DOCTYPE and anything else
  }

  /** A start tag (or empty-element tag); -1 when incomplete. */
  private startTag(text: string, lt: number, final: boolean): number {
    const length = text.length;
    let i = lt + 1;
    while (i < length && isNameChar(text.charCodeAt(i))) i++;
    if (i >= length) {
      if (final) throw GIVE_UP;
      return -1;
    }
    const name = text.slice(lt + 1, i);
    const local = this.localNameOf(name);
    if (this.rootClosed || (this.sawRoot && this.open.length === 0)) throw GIVE_UP;
    const attributes: Record<string, string> = {};
    for (;;) {
      const before = i;
      while (i < length && isSpace(text.charCodeAt(i))) i++;
      if (i >= length) {
        if (final) throw GIVE_UP;
        return -1;
      }
      const code = text.charCodeAt(i);
      if (code === 0x3e /* > */ || code === 0x2f /* / */) {
        const selfClosing = code === 0x2f;
        if (selfClosing) {
          if (i + 1 >= length) {
            if (final) throw GIVE_UP;
            return -1;
          }
          if (text.charCodeAt(i + 1) !== 0x3e) throw GIVE_UP;
          i++;
        }
        this.sawRoot = true;
        this.builder.openTag(local, attributes);
        this.subfieldOpen = undefined;
        if (selfClosing) {
          if (this.open.length === 0) this.rootClosed = true;
          const parsed = this.builder.closeTag(local);
          if (parsed) this.ready.push(parsed);
        } else {
          this.open.push(name);
          this.enter(name, local);
        }
        return i + 1;
      }
      if (i === before) throw GIVE_UP; // attributes must be separated by whitespace
      const nameStart = i;
      while (i < length && isNameChar(text.charCodeAt(i))) i++;
      const attribute = text.slice(nameStart, i);
      while (i < length && isSpace(text.charCodeAt(i))) i++;
      if (i >= length) {
        if (final) throw GIVE_UP;
        return -1;
      }
      if (text.charCodeAt(i) !== 0x3d /* = */ || !NAME.test(attribute)) throw GIVE_UP;
      i++;
      while (i < length && isSpace(text.charCodeAt(i))) i++;
      if (i >= length) {
        if (final) throw GIVE_UP;
        return -1;
      }
      const quote = text.charCodeAt(i);
      if (quote !== 0x22 && quote !== 0x27) throw GIVE_UP;
      const close = text.indexOf(quote === 0x22 ? '"' : "'", i + 1);
      if (close === -1) {
        if (final || length - i > MAX_CARRY) throw GIVE_UP;
        return -1;
      }
      const value = text.slice(i + 1, close);
      // Values needing normalisation or references are left to saxes.
      if (/[<&\t\n\r]/.test(value) || Object.hasOwn(attributes, attribute)) throw GIVE_UP;
      attributes[attribute] = value;
      i = close + 1;
    }
  }
}

/**
 * Reads MARCXML bytes with the fast scanner. Yields records as readMarcXml would; returns
 * `{ complete: false }` as soon as the input leaves the subset (the records yielded until then
 * are exactly readMarcXml's first ones), `{ complete: true }` when it read everything.
 */
export async function* readMarcXmlFast(
  source: AsyncIterable<Buffer | Uint8Array>,
): AsyncGenerator<ParsedRecord, FastXmlOutcome> {
  const scanner = new Scanner();
  const decoder = new XmlTextDecoder();
  let carry = "";
  try {
    for await (const chunk of source) {
      const text = carry + decoder.decode(chunk);
      const rest = scanner.scan(text, false);
      carry = rest < text.length ? text.slice(rest) : "";
      if (carry.length > MAX_CARRY) return { complete: false };
      if (scanner.ready.length) yield* scanner.ready.splice(0);
    }
    const text = carry + decoder.end();
    scanner.scan(text, true);
    scanner.end();
    // A record still open means the input ended inside it: saxes words that error.
    if (scanner.builder.inRecord) return { complete: false };
    yield* scanner.ready.splice(0);
    return { complete: true };
  } catch (error) {
    if (error instanceof GiveUp) return { complete: false };
    throw error;
  }
}
