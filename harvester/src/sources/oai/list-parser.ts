import { TextCollector } from "./envelope.ts";
import { MetadataReader, type OaiMetadata } from "./metadata.ts";
import type { XmlEventHandler } from "./xml-stream.ts";

export interface OaiHeader {
  /** Empty when the repository sent none (a broken record; the caller rejects it). */
  identifier: string;
  datestamp: string;
  deleted: boolean;
  setSpecs: string[];
}

export interface OaiRecord {
  header: OaiHeader;
  /** Absent for deleted records and for ListIdentifiers. */
  metadata?: OaiMetadata;
  /** The start of the metadata XML, for rejections. */
  rawMetadata?: string;
}

export interface ResumptionToken {
  /** Empty: the list is complete. */
  value: string;
  completeListSize?: number;
  cursor?: number;
  expirationDate?: string;
}

type Capture = "identifier" | "datestamp" | "setSpec" | "token";

/**
 * Reads the inside of `<ListRecords>` or `<ListIdentifiers>` as it streams, calling `onRecord`
 * as each record (or header) closes. Tolerant of real-world oddities: mixed content in
 * identifiers (text of child elements is joined), repeated elements (the first non-empty one
 * counts), a second `<header>` in a record (ignored).
 */
export class ListContentParser implements XmlEventHandler {
  /** The first non-empty `<resumptionToken>`, or an empty one; undefined when absent. */
  token: ResumptionToken | undefined;
  private depth = 0;
  private header: OaiHeader | undefined;
  private headerDepth = -1;
  private headerDone = false;
  private metadata: MetadataReader | undefined;
  private metadataResult: OaiMetadata | undefined;
  private rawMetadata: string | undefined;
  private capture: Capture | undefined;
  private captureDepth = -1;
  private tokenAttributes: Readonly<Record<string, string>> = {};
  private readonly collected = new TextCollector();

  constructor(private readonly onRecord: (record: OaiRecord) => void) {}

  open(name: string, attributes: Readonly<Record<string, string>>): void {
    const depth = ++this.depth;
    if (this.metadata) return this.metadata.open(name, attributes);
    if (this.capture !== undefined) return;
    if (depth === 1) {
      if (name === "record" || name === "header") this.startRecord();
      if (name === "header") this.openHeader(depth, attributes);
      if (name === "resumptionToken") {
        this.tokenAttributes = attributes;
        this.startCapture("token", depth);
      }
      return;
    }
    if (depth === 2 && this.headerDepth < 0) {
      if (name === "header") this.openHeader(depth, attributes);
      else if (name === "metadata" && this.metadataResult === undefined) this.metadata = new MetadataReader();
      return;
    }
    if (this.header && depth === this.headerDepth + 1 && !this.headerDone) {
      if (name === "identifier" || name === "datestamp" || name === "setSpec") this.startCapture(name, depth);
    }
  }

  text(text: string): void {
    if (this.metadata) this.metadata.text(text);
    else if (this.capture !== undefined) this.collected.add(text);
  }

  close(name: string): void {
    const depth = this.depth--;
    if (this.metadata) {
      if (depth > 2) return this.metadata.close(name);
      this.metadataResult = this.metadata.finish();
      this.rawMetadata = this.metadata.rawXml;
      this.metadata = undefined;
      return;
    }
    if (this.capture !== undefined) {
      if (depth === this.captureDepth) this.endCapture();
      return;
    }
    if (depth === this.headerDepth) {
      this.headerDepth = -1;
      this.headerDone = true;
      if (depth === 1) this.emit();
      return;
    }
    if (depth === 1 && name === "record") this.emit();
  }

  private startRecord(): void {
    this.header = undefined;
    this.headerDone = false;
    this.metadataResult = undefined;
    this.rawMetadata = undefined;
  }

  private openHeader(depth: number, attributes: Readonly<Record<string, string>>): void {
    if (this.header) return; // a second header in one record is ignored
    this.header = {
      identifier: "",
      datestamp: "",
      deleted: attributes.status?.trim() === "deleted",
      setSpecs: [],
    };
    this.headerDepth = depth;
  }

  private startCapture(what: Capture, depth: number): void {
    this.capture = what;
    this.captureDepth = depth;
  }

  private endCapture(): void {
    const value = this.collected.take();
    const what = this.capture;
    this.capture = undefined;
    this.captureDepth = -1;
    if (what === "token") return this.keepToken(value);
    const header = this.header;
    if (!header) return;
    if (what === "setSpec") {
      if (value) header.setSpecs.push(value);
    } else if (what === "identifier" || what === "datestamp") {
      if (!header[what]) header[what] = value;
    }
  }

  private keepToken(value: string): void {
    if (this.token?.value) return;
    const attributes = this.tokenAttributes;
    this.token = {
      value,
      completeListSize: integer(attributes.completeListSize),
      cursor: integer(attributes.cursor),
      expirationDate: attributes.expirationDate?.trim() || undefined,
    };
  }

  private emit(): void {
    const header = this.header ?? { identifier: "", datestamp: "", deleted: false, setSpecs: [] };
    this.onRecord({ header, metadata: this.metadataResult, rawMetadata: this.rawMetadata });
    this.startRecord();
  }
}

function integer(value: string | undefined): number | undefined {
  if (value === undefined || !/^\s*\d+\s*$/.test(value)) return undefined;
  return Number(value);
}
