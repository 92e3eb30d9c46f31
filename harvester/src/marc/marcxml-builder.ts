import type { ParsedRecord } from "./parsed.ts";
import type { ControlField, DataField, MarcField } from "./record.ts";

/** Attribute values by attribute name (unprefixed: "tag", "ind1", "ind2", "code"). */
export type XmlAttributes = Readonly<Record<string, string>>;

/** Leader for records that have none: blank, Unicode, MARC 21 counts. */
const DEFAULT_LEADER = "         a22        4500";

/**
 * Builds MARC records from the SAX events of MARCXML, so any streaming parser can feed it:
 * readMarcXml drives it from its own saxes parser, and the OAI-PMH client hands it the events
 * inside each `<metadata>` element of its ListRecords parser.
 *
 *   const builder = new MarcXmlRecordBuilder();
 *   // inside <metadata>, with a saxes parser created with { xmlns: true }:
 *   builder.openTag(tag.local, Object.fromEntries(Object.values(tag.attributes).map((a) => [a.local, a.value])));
 *   builder.text(text);                              // "text" and "cdata" events
 *   const parsed = builder.closeTag(tag.local);      // ParsedRecord | undefined
 *   // with { xmlns: false }: builder.openTag(localName(tag.name), tag.attributes), closeTag(localName(tag.name))
 *
 * - Element names are local names ("marc:record" → "record"); the namespace itself is not
 *   checked. Attributes are passed by local name as plain strings.
 * - Events outside a `<record>` element are ignored (`<collection>`, OAI envelopes), and so
 *   are unknown elements beside the fields (Koha's `<identifier>`). A `<record>` holding only
 *   another `<record>` (an OAI-PMH record around its metadata) yields the inner one.
 * - `closeTag` returns a ParsedRecord when a MARC `<record>` closes — a rejection with a reason
 *   if the record is malformed (missing tag or code attribute, unexpected element inside a field,
 *   empty datafield, no fields) — and undefined for every other element.
 * - `position` of the results counts records from `firstPosition` (default 0).
 * - `abort(reason)` rejects a record left open when the XML stops in the middle of it.
 */
export class MarcXmlRecordBuilder {
  private position: number;
  /** Names of the open elements, from the outermost `<record>` down; empty outside records. */
  private readonly names: string[] = [];
  /** Index in `names` of the record being built, -1 when none. */
  private recordLevel = -1;
  /** `<record>` elements that turned out to wrap a MARC record (OAI-PMH envelopes). */
  private readonly envelopeLevels: number[] = [];
  /** Index in `names` of an element whose subtree is skipped, -1 when none. */
  private ignoredLevel = -1;
  private leader: string | undefined;
  private fields: MarcField[] = [];
  private field: DataField | ControlField | undefined;
  private subfieldCode: string | undefined;
  private capturing = false;
  private captured = "";
  private problem: string | undefined;

  constructor(options: { firstPosition?: number } = {}) {
    this.position = options.firstPosition ?? 0;
  }

  /** Position the next record will get. */
  get nextPosition(): number {
    return this.position;
  }

  /** Whether a `<record>` element is being built. */
  get inRecord(): boolean {
    return this.recordLevel >= 0;
  }

  /** Whether text events are kept now (inside a leader, control field or subfield). */
  get capturingText(): boolean {
    return this.capturing;
  }

  openTag(name: string, attributes: XmlAttributes): void {
    const { names } = this;
    if (names.length === 0 && name !== "record") return;
    const level = names.push(name) - 1;
    if (name === "record") return this.openRecord(level);
    if (this.recordLevel < 0 || this.ignoredLevel >= 0 || this.problem) return;
    const parent = names[level - 1];
    switch (name) {
      case "leader":
        if (parent !== "record") return this.fail("<leader> is not a direct child of <record>");
        return this.capture();
      case "controlfield": {
        if (parent !== "record") return this.fail("<controlfield> is not a direct child of <record>");
        const tag = normaliseTag(attributes.tag);
        if (!tag) return this.fail(`<controlfield> with ${describeTag(attributes.tag)}`);
        this.field = { tag, value: "" };
        return this.capture();
      }
      case "datafield": {
        if (parent !== "record") return this.fail("<datafield> is not a direct child of <record>");
        const tag = normaliseTag(attributes.tag);
        if (!tag) return this.fail(`<datafield> with ${describeTag(attributes.tag)}`);
        this.field = {
          tag,
          ind1: indicator(attributes.ind1),
          ind2: indicator(attributes.ind2),
          subfields: [],
        };
        return;
      }
      case "subfield": {
        if (parent !== "datafield") return this.fail("<subfield> outside a <datafield>");
        const code = attributes.code;
        if (code === undefined)
          return this.fail(`<subfield> without a code attribute in field ${this.field?.tag}`);
        if (code.length !== 1 && !isSingleCodePoint(code)) {
          return this.fail(`invalid subfield code ${JSON.stringify(code)} in field ${this.field?.tag}`);
        }
        this.subfieldCode = code;
        return this.capture();
      }
      default:
        // Extra elements beside the fields (Koha's <identifier>, OAI <header>) are skipped;
        // anything else inside a field is an error.
        if (parent === "record") this.ignoredLevel = level;
        else this.fail(`unexpected element <${name}> in <${parent}>`);
    }
  }

  text(text: string): void {
    if (this.capturing) this.captured += text;
  }

  /**
   * The same as openTag("subfield", { code }), text(value), closeTag("subfield"), in one call:
   * the fast MARCXML scanner's path for the element most records are made of.
   */
  subfield(code: string, value: string): void {
    const { names, field } = this;
    if (
      this.recordLevel >= 0 &&
      this.ignoredLevel < 0 &&
      this.problem === undefined &&
      code.length === 1 &&
      names[names.length - 1] === "datafield" &&
      field !== undefined &&
      "subfields" in field
    ) {
      field.subfields.push([code, value]);
      this.subfieldCode = undefined;
      this.capturing = false;
      this.captured = "";
      return;
    }
    this.openTag("subfield", { code });
    this.text(value);
    this.closeTag("subfield");
  }

  closeTag(name: string): ParsedRecord | undefined {
    const { names } = this;
    if (names.length === 0) return undefined;
    const level = names.length - 1;
    names.pop();
    if (level === this.recordLevel) {
      this.recordLevel = -1;
      this.ignoredLevel = -1;
      return this.finishRecord();
    }
    if (level === this.envelopeLevels[this.envelopeLevels.length - 1]) {
      this.envelopeLevels.pop();
      return undefined;
    }
    if (level === this.ignoredLevel) {
      this.ignoredLevel = -1;
      return undefined;
    }
    if (this.recordLevel < 0 || this.ignoredLevel >= 0 || this.problem) return undefined;
    const value = this.endCapture();
    switch (name) {
      case "leader":
        this.leader = value;
        break;
      case "controlfield":
        if (this.field && "value" in this.field) this.fields.push({ tag: this.field.tag, value });
        this.field = undefined;
        break;
      case "subfield":
        if (this.field && "subfields" in this.field && this.subfieldCode !== undefined) {
          this.field.subfields.push([this.subfieldCode, value]);
        }
        this.subfieldCode = undefined;
        break;
      case "datafield":
        if (this.field && "subfields" in this.field) {
          if (this.field.subfields.length === 0) this.fail(`datafield ${this.field.tag} has no subfields`);
          else this.fields.push(this.field);
        }
        this.field = undefined;
        break;
    }
    return undefined;
  }

  /** Rejects the record being built, if any, because the XML ended inside it. */
  abort(reason: string): ParsedRecord | undefined {
    this.names.length = 0;
    this.envelopeLevels.length = 0;
    this.ignoredLevel = -1;
    if (this.recordLevel < 0) return undefined;
    this.recordLevel = -1;
    this.problem ??= reason;
    return this.finishRecord();
  }

  private openRecord(level: number): void {
    if (this.recordLevel >= 0) {
      const hasContent = this.leader !== undefined || this.fields.length > 0 || this.field !== undefined;
      if (hasContent || this.problem) {
        this.fail("<record> inside a <record>");
        if (this.ignoredLevel < 0) this.ignoredLevel = level;
        return;
      }
      // A record that holds nothing but another record is an envelope around it.
      this.envelopeLevels.push(this.recordLevel);
    }
    this.recordLevel = level;
    this.ignoredLevel = -1;
    this.leader = undefined;
    this.fields = [];
    this.field = undefined;
    this.problem = undefined;
    this.capturing = false;
    this.captured = "";
  }

  private finishRecord(): ParsedRecord {
    const position = this.position++;
    const fields = this.fields;
    this.fields = [];
    this.field = undefined;
    this.capturing = false;
    if (this.problem) return { ok: false, reason: withControlNumber(this.problem, fields), position };
    if (fields.length === 0) return { ok: false, reason: "record has no fields", position };
    return { ok: true, record: { leader: normaliseLeader(this.leader), fields }, position };
  }

  private capture(): void {
    this.capturing = true;
    this.captured = "";
  }

  private endCapture(): string {
    const value = this.captured;
    this.capturing = false;
    this.captured = "";
    return value;
  }

  private fail(reason: string): void {
    this.problem ??= reason;
    this.capturing = false;
  }
}

function isSingleCodePoint(text: string): boolean {
  return text.length === 2 && text.codePointAt(0)! > 0xffff;
}

function isPrintableAscii(code: number): boolean {
  return code > 0x20 && code < 0x7f;
}

/** Tags are three characters; "42" from tools that drop leading zeros is "042". */
function normaliseTag(tag: string | undefined): string | undefined {
  if (tag === undefined) return undefined;
  if (
    tag.length === 3 &&
    isPrintableAscii(tag.charCodeAt(0)) &&
    isPrintableAscii(tag.charCodeAt(1)) &&
    isPrintableAscii(tag.charCodeAt(2))
  ) {
    return tag;
  }
  const trimmed = tag.trim();
  if (/^[0-9]{1,2}$/.test(trimmed)) return trimmed.padStart(3, "0");
  return /^[\x21-\x7e]{3}$/.test(trimmed) ? trimmed : undefined;
}

function describeTag(tag: string | undefined): string {
  return tag === undefined ? "no tag attribute" : `an invalid tag ${JSON.stringify(tag)}`;
}

/** Missing or empty indicators are blank; extra characters are dropped. */
function indicator(value: string | undefined): string {
  if (value?.length === 1) return value;
  const first = value?.codePointAt(0);
  return first === undefined ? " " : String.fromCodePoint(first);
}

/** 24 characters, leader/09 = "a" (values are Unicode). */
function normaliseLeader(leader: string | undefined): string {
  if (leader === undefined || leader.trim() === "") return DEFAULT_LEADER;
  const fitted = leader.length === 24 ? leader : leader.slice(0, 24).padEnd(24, " ");
  return `${fitted.slice(0, 9)}a${fitted.slice(10)}`;
}

function withControlNumber(reason: string, fields: MarcField[]): string {
  const id = fields.find((field): field is ControlField => field.tag === "001" && "value" in field)?.value;
  return id ? `${reason} (record ${id.trim()})` : reason;
}
