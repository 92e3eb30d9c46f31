import { MarcXmlRecordBuilder } from "../../marc/marcxml-builder.ts";
import type { ParsedRecord } from "../../marc/parsed.ts";
import type { XmlHandlers } from "./safe-xml.ts";

/**
 * Receives the elements inside one `<recordData>` and turns them into a value; a new sink is made
 * for every record. `finish` is called when `</recordData>` closes.
 */
export interface RecordDataSink<T> extends XmlHandlers {
  finish(): T;
}

/** MARCXML inside recordData → the record (or its rejection), via the shared MARCXML builder. */
export class MarcXmlSink implements RecordDataSink<ParsedRecord> {
  private readonly builder = new MarcXmlRecordBuilder();
  private result: ParsedRecord | undefined;
  private extra = 0;

  openTag(name: string, attributes: Record<string, string>): void {
    this.builder.openTag(name, attributes);
  }

  text(text: string): void {
    this.builder.text(text);
  }

  closeTag(name: string): void {
    const parsed = this.builder.closeTag(name);
    if (!parsed) return;
    if (this.result === undefined) this.result = parsed;
    else this.extra++;
  }

  finish(): ParsedRecord {
    const open = this.builder.abort("recordData ended inside a MARC record");
    const result = this.result ??
      open ?? { ok: false, reason: "no MARCXML <record> in recordData", position: 0 };
    if (result.ok && this.extra > 0) {
      return {
        ok: false,
        reason: `recordData holds ${this.extra + 1} MARC records, expected one`,
        position: 0,
      };
    }
    return result;
  }
}
