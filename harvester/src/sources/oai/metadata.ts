import { MarcXmlRecordBuilder } from "../../marc/marcxml-builder.ts";
import type { ParsedRecord } from "../../marc/parsed.ts";
import type { DublinCore } from "./dublin-core.ts";
import type { XmlEventHandler } from "./xml-stream.ts";

/** What one `<metadata>` element held. */
export type OaiMetadata =
  | { format: "marc"; parsed: ParsedRecord }
  | { format: "dc"; dc: DublinCore }
  | { format: "unsupported"; element: string };

/** Characters of a record's XML kept to show with a rejection. */
const RAW_LIMIT = 4_000;
/** Values kept per Dublin Core element, and characters per value. */
const DC_MAX_VALUES = 200;
const DC_MAX_CHARS = 16_000;

/**
 * Reads the content of one `<metadata>` element, chosen by its first element: `<record>` or
 * `<collection>` is MARCXML (namespaced or not) and goes through MarcXmlRecordBuilder; `<dc>` is
 * Dublin Core. It also keeps the start of the XML (re-serialised) for rejected records.
 */
export class MetadataReader implements XmlEventHandler {
  private marc: MarcXmlRecordBuilder | undefined;
  private marcResult: ParsedRecord | undefined;
  private dc: DublinCoreReader | undefined;
  private first: string | undefined;
  private raw = "";

  open(name: string, attributes: Readonly<Record<string, string>>): void {
    this.keep(`<${name}${serialiseAttributes(attributes)}>`);
    if (this.first === undefined) {
      this.first = name;
      if (name === "record" || name === "collection") this.marc = new MarcXmlRecordBuilder();
      else if (name === "dc") this.dc = new DublinCoreReader();
    }
    this.marc?.openTag(name, attributes);
    this.dc?.open(name);
  }

  text(text: string): void {
    this.keep(escapeXml(text));
    this.marc?.text(text);
    this.dc?.text(text);
  }

  close(name: string): void {
    this.keep(`</${name}>`);
    const parsed = this.marc?.closeTag(name);
    // The first MARC record counts; a second one in the same <metadata> is ignored.
    if (parsed) this.marcResult ??= parsed;
    this.dc?.close();
  }

  finish(): OaiMetadata {
    if (this.marc) {
      const parsed = this.marcResult ?? this.marc.abort("<metadata> ended inside the MARC record");
      return {
        format: "marc",
        parsed: parsed ?? { ok: false, reason: "no MARC <record> in <metadata>", position: 0 },
      };
    }
    if (this.dc) return { format: "dc", dc: this.dc.values };
    return { format: "unsupported", element: this.first ?? "(empty)" };
  }

  /** The start of the metadata XML, for a rejected record. */
  get rawXml(): string {
    return this.raw;
  }

  private keep(xml: string): void {
    if (this.raw.length < RAW_LIMIT) this.raw += xml.slice(0, RAW_LIMIT - this.raw.length);
  }
}

/** `<dc>`'s child elements by local name, each value's text trimmed and whitespace collapsed. */
class DublinCoreReader {
  readonly values: DublinCore = Object.create(null) as DublinCore;
  private depth = 0;
  private element: string | undefined;
  private value = "";

  open(name: string): void {
    this.depth++;
    if (this.depth === 2) {
      this.element = name;
      this.value = "";
    }
  }

  text(text: string): void {
    if (this.element !== undefined && this.value.length < DC_MAX_CHARS) this.value += text;
  }

  close(): void {
    if (this.depth-- !== 2 || this.element === undefined) return;
    const value = this.value.replace(/\s+/g, " ").trim().slice(0, DC_MAX_CHARS);
    const list = (this.values[this.element] ??= []);
    if (value !== "" && list.length < DC_MAX_VALUES) list.push(value);
    this.element = undefined;
  }
}

function serialiseAttributes(attributes: Readonly<Record<string, string>>): string {
  let text = "";
  for (const [name, value] of Object.entries(attributes))
    text += ` ${name}="${escapeXml(value).replace(/"/g, "&quot;")}"`;
  return text;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;");
}
