import { TextCollector } from "./envelope.ts";
import type { ResumptionToken } from "./list-parser.ts";
import type { XmlEventHandler } from "./xml-stream.ts";

export type Granularity = "YYYY-MM-DD" | "YYYY-MM-DDThh:mm:ssZ";

export interface IdentifyResponse {
  repositoryName: string;
  baseUrl: string;
  protocolVersion: string;
  adminEmails: string[];
  earliestDatestamp: string;
  deletedRecord: "no" | "persistent" | "transient" | string;
  granularity: Granularity;
  responseDate: string | undefined;
}

export interface MetadataFormat {
  metadataPrefix: string;
  schema: string;
  metadataNamespace: string;
}

export interface OaiSet {
  setSpec: string;
  setName: string;
}

/** Values of simple child elements: the verb's children, or those of each `itemName` element. */
export class ChildTextCollector implements XmlEventHandler {
  /** One entry per item (or a single entry when collecting the verb's own children). */
  readonly items: Array<Record<string, string[]>> = [];
  token: ResumptionToken | undefined;
  private depth = 0;
  private capturing: string | undefined;
  private tokenAttributes: Readonly<Record<string, string>> = {};
  private readonly collected = new TextCollector();

  constructor(private readonly itemName?: string) {
    if (itemName === undefined) this.items.push({});
  }

  open(name: string, attributes: Readonly<Record<string, string>>): void {
    const depth = ++this.depth;
    if (this.capturing !== undefined) return;
    if (depth === 1 && name === "resumptionToken") {
      this.tokenAttributes = attributes;
      this.capturing = name;
    } else if (this.itemName === undefined ? depth === 1 : depth === 2) {
      this.capturing = name;
    } else if (depth === 1 && name === this.itemName) {
      this.items.push({});
    }
  }

  text(text: string): void {
    if (this.capturing !== undefined) this.collected.add(text);
  }

  close(): void {
    const depth = this.depth--;
    const name = this.capturing;
    const valueDepth = this.itemName === undefined ? 1 : 2;
    if (name === undefined || (depth !== valueDepth && !(depth === 1 && name === "resumptionToken"))) return;
    this.capturing = undefined;
    const value = this.collected.take();
    if (depth === 1 && name === "resumptionToken") {
      this.token = {
        value,
        completeListSize: Number(this.tokenAttributes.completeListSize) || undefined,
        cursor: Number(this.tokenAttributes.cursor) || undefined,
      };
      return;
    }
    const item = this.items[this.items.length - 1];
    if (item) (item[name] ??= []).push(value);
  }
}

export function toIdentify(
  values: Record<string, string[]>,
  responseDate: string | undefined,
): IdentifyResponse {
  const one = (name: string): string => values[name]?.[0] ?? "";
  const granularity = one("granularity");
  return {
    repositoryName: one("repositoryName"),
    baseUrl: one("baseURL"),
    protocolVersion: one("protocolVersion"),
    adminEmails: values.adminEmail ?? [],
    earliestDatestamp: one("earliestDatestamp"),
    deletedRecord: one("deletedRecord"),
    // Anything but the day granularity is taken as seconds, the only other one OAI-PMH 2.0 allows.
    granularity: granularity === "YYYY-MM-DD" ? "YYYY-MM-DD" : "YYYY-MM-DDThh:mm:ssZ",
    responseDate,
  };
}

export function toMetadataFormat(values: Record<string, string[]>): MetadataFormat {
  return {
    metadataPrefix: values.metadataPrefix?.[0] ?? "",
    schema: values.schema?.[0] ?? "",
    metadataNamespace: values.metadataNamespace?.[0] ?? "",
  };
}

export function toSet(values: Record<string, string[]>): OaiSet {
  return { setSpec: values.setSpec?.[0] ?? "", setName: values.setName?.[0] ?? "" };
}
