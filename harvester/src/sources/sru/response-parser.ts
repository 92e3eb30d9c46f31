import { SruProtocolError, type SruDiagnostic } from "./errors.ts";
import type { RecordDataSink } from "./record-data.ts";
import { parseXmlString, SafeXmlParser } from "./safe-xml.ts";

/** One `<record>` of a searchRetrieve response. */
export interface SruRecordEntry<T> {
  /** `<recordPosition>` (1-based), when the server sends it. */
  position?: number;
  schema?: string;
  /** What the sink made of `<recordData>`; absent for a surrogate diagnostic. */
  data?: T;
  /** A surrogate diagnostic in place of the record ("record not available in this schema"). */
  diagnostic?: SruDiagnostic;
}

export interface SruResponse<T> {
  version?: string;
  numberOfRecords?: number;
  nextRecordPosition?: number;
  records: Array<SruRecordEntry<T>>;
  /** Non-surrogate diagnostics: the request as a whole failed (or partly failed). */
  diagnostics: SruDiagnostic[];
}

/** String-packed records (escaped XML inside recordData) larger than this are refused. */
const MAX_PACKED_CHARS = 16 * 1024 * 1024;

/** Elements of the response whose text is read (leaves at a known place). */
const TOP_TEXT = new Set(["version", "numberOfRecords", "nextRecordPosition"]);
const RECORD_TEXT = new Set(["recordSchema", "recordPacking", "recordXMLEscaping", "recordPosition"]);
const DIAGNOSTIC_TEXT = new Set(["uri", "message", "details"]);

interface OpenRecord<T> {
  fields: Record<string, string>;
  /** Element depth of `<recordData>` while inside it, else -1. */
  dataDepth: number;
  sink?: RecordDataSink<T>;
  diagnostic?: Record<string, string>;
  packed: string;
  data?: T;
  hasElements: boolean;
}

/**
 * Streams an SRU searchRetrieveResponse (SRU 1.1/1.2 `http://www.loc.gov/zing/srw/` or 2.0
 * `http://docs.oasis-open.org/ns/search-ws/sruResponse`; names are matched by local name), handing
 * the content of every `<recordData>` to a fresh sink from `createSink`. Records packed as escaped
 * XML strings (`recordPacking=string`) are unescaped and parsed the same way. Surrogate
 * diagnostics come back on their record; other diagnostics in `diagnostics`.
 *
 *   const parser = new SruResponseParser(() => new MarcXmlSink());
 *   for await (const text of body) parser.write(text);
 *   const response = parser.end();
 *
 * Malformed XML, another root element or a DOCTYPE with entities throw SruProtocolError.
 */
export class SruResponseParser<T> {
  private readonly xml: SafeXmlParser;
  private readonly stack: string[] = [];
  private readonly response: SruResponse<T> = { records: [], diagnostics: [] };
  private record: OpenRecord<T> | undefined;
  private diagnostic: Record<string, string> | undefined;
  private capture: string | undefined;

  constructor(private readonly createSink: () => RecordDataSink<T>) {
    this.xml = new SafeXmlParser({
      openTag: (name, attributes) => this.openTag(name, attributes),
      closeTag: (name) => this.closeTag(name),
      text: (text) => this.text(text),
    });
  }

  write(text: string): void {
    this.xml.write(text);
    this.check();
  }

  end(): SruResponse<T> {
    this.xml.close();
    this.check();
    return this.response;
  }

  private check(): void {
    const error = this.xml.error;
    if (error !== undefined) throw new SruProtocolError(`malformed SRU response: ${error}`);
  }

  private openTag(name: string, attributes: Record<string, string>): void {
    const { stack, record } = this;
    const depth = stack.push(name) - 1;
    if (depth === 0) {
      if (name !== "searchRetrieveResponse")
        this.protocolError(`expected <searchRetrieveResponse>, got <${name}>`);
      return;
    }
    if (record && record.dataDepth >= 0 && depth > record.dataDepth) {
      return this.openInRecordData(record, depth, name, attributes);
    }
    const parent = stack[depth - 1];
    if (depth === 1 && TOP_TEXT.has(name)) return this.startCapture();
    if (depth === 2 && parent === "records" && name === "record") {
      this.record = { fields: {}, dataDepth: -1, packed: "", hasElements: false };
      return;
    }
    if (depth === 3 && record && parent === "record") {
      if (name === "recordData") record.dataDepth = depth;
      else if (RECORD_TEXT.has(name)) this.startCapture();
      return;
    }
    if (depth === 2 && parent === "diagnostics" && name === "diagnostic") {
      this.diagnostic = {};
      return;
    }
    if (depth === 3 && this.diagnostic && DIAGNOSTIC_TEXT.has(name)) this.startCapture();
  }

  private openInRecordData(
    record: OpenRecord<T>,
    depth: number,
    name: string,
    attributes: Record<string, string>,
  ): void {
    if (!record.hasElements) {
      record.hasElements = true;
      if (name === "diagnostic") record.diagnostic = {};
      else record.sink = this.createSink();
    }
    if (record.diagnostic) {
      if (depth === record.dataDepth + 2 && DIAGNOSTIC_TEXT.has(name)) this.startCapture();
      return;
    }
    record.sink?.openTag(name, attributes);
  }

  private text(text: string): void {
    const record = this.record;
    if (record && record.dataDepth >= 0) {
      const depth = this.stack.length - 1;
      if (depth === record.dataDepth) {
        if (record.packed.length + text.length > MAX_PACKED_CHARS) {
          this.protocolError(`a string-packed record is larger than ${MAX_PACKED_CHARS} characters`);
        }
        record.packed += text;
        return;
      }
      if (record.sink) record.sink.text(text);
    }
    if (this.capture !== undefined) this.capture += text;
  }

  private closeTag(name: string): void {
    const { stack, record } = this;
    const depth = stack.length - 1;
    stack.pop();
    if (record && record.dataDepth >= 0 && depth > record.dataDepth) {
      if (record.diagnostic) {
        if (depth === record.dataDepth + 2 && DIAGNOSTIC_TEXT.has(name))
          record.diagnostic[name] = this.endCapture();
      } else {
        record.sink?.closeTag(name);
      }
      return;
    }
    if (depth === 1 && TOP_TEXT.has(name)) return this.setTop(name, this.endCapture());
    if (record && depth === 3) {
      if (name === "recordData") {
        record.dataDepth = -1;
        if (record.sink) record.data = record.sink.finish();
      } else if (RECORD_TEXT.has(name)) {
        record.fields[name] = this.endCapture().trim();
      }
      return;
    }
    if (record && depth === 2 && name === "record") {
      this.record = undefined;
      this.response.records.push(this.finishRecord(record));
      return;
    }
    if (this.diagnostic && depth === 3 && DIAGNOSTIC_TEXT.has(name)) {
      this.diagnostic[name] = this.endCapture();
      return;
    }
    if (this.diagnostic && depth === 2 && name === "diagnostic") {
      this.response.diagnostics.push(toDiagnostic(this.diagnostic));
      this.diagnostic = undefined;
    }
  }

  private finishRecord(record: OpenRecord<T>): SruRecordEntry<T> {
    const entry: SruRecordEntry<T> = {};
    const position = toInteger(record.fields.recordPosition);
    if (position !== undefined) entry.position = position;
    if (record.fields.recordSchema) entry.schema = record.fields.recordSchema;
    if (!record.hasElements && record.packed.trim() !== "") this.unpack(record);
    if (record.diagnostic) entry.diagnostic = toDiagnostic(record.diagnostic);
    else if (record.data !== undefined) entry.data = record.data;
    else if (record.sink) entry.data = record.sink.finish();
    if (entry.diagnostic === undefined && entry.data === undefined) {
      entry.diagnostic = { uri: "", message: "empty recordData" };
    }
    return entry;
  }

  /** recordPacking=string: recordData holds the record as escaped XML text. */
  private unpack(record: OpenRecord<T>): void {
    const stack: string[] = [];
    const error = parseXmlString(record.packed, {
      openTag: (name, attributes) => {
        const depth = stack.push(name) - 1;
        if (depth === 0) {
          record.hasElements = true;
          if (name === "diagnostic") record.diagnostic = {};
          else record.sink = this.createSink();
        }
        if (record.diagnostic) {
          if (depth === 1 && DIAGNOSTIC_TEXT.has(name)) this.startCapture();
        } else {
          record.sink?.openTag(name, attributes);
        }
      },
      text: (text) => {
        if (record.diagnostic) {
          if (this.capture !== undefined) this.capture += text;
        } else {
          record.sink?.text(text);
        }
      },
      closeTag: (name) => {
        const depth = stack.length - 1;
        stack.pop();
        if (record.diagnostic) {
          if (depth === 1 && DIAGNOSTIC_TEXT.has(name)) record.diagnostic[name] = this.endCapture();
        } else {
          record.sink?.closeTag(name);
        }
      },
    });
    if (error !== undefined) {
      record.sink = undefined;
      record.diagnostic = { uri: "", message: `string-packed record is not well-formed XML: ${error}` };
    } else if (record.sink) {
      record.data = record.sink.finish();
    }
  }

  private setTop(name: string, value: string): void {
    const text = value.trim();
    if (name === "version") this.response.version = text;
    else if (name === "numberOfRecords") this.response.numberOfRecords = toInteger(text);
    else if (name === "nextRecordPosition") this.response.nextRecordPosition = toInteger(text);
  }

  private startCapture(): void {
    this.capture = "";
  }

  private endCapture(): string {
    const value = this.capture ?? "";
    this.capture = undefined;
    return value;
  }

  private protocolError(message: string): never {
    throw new SruProtocolError(`malformed SRU response: ${message}`);
  }
}

function toInteger(text: string | undefined): number | undefined {
  if (text === undefined || !/^\s*\d+\s*$/.test(text)) return undefined;
  return Number(text);
}

function toDiagnostic(fields: Record<string, string>): SruDiagnostic {
  const diagnostic: SruDiagnostic = { uri: (fields.uri ?? "").trim() };
  const message = fields.message?.trim();
  if (message) diagnostic.message = message;
  const details = fields.details?.trim();
  if (details) diagnostic.details = details;
  return diagnostic;
}
