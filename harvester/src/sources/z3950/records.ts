import { parseIso2709Record } from "../../marc/iso2709.ts";
import { clipRaw, MarcParseError, type ParsedRecord } from "../../marc/parsed.ts";
import type { DataField, MarcRecord } from "../../marc/record.ts";
import { XmlTextDecoder } from "../../marc/xml-text-decoder.ts";
import { detectHoldingsMapping } from "../../normalise/holdings.ts";
import { OpacXmlSink, type OpacRecord } from "../live/opac-xml.ts";
import type { LiveHolding } from "../live/types.ts";
import { MarcXmlSink, type RecordDataSink } from "../sru/record-data.ts";
import { parseXmlString } from "../sru/safe-xml.ts";
import type { ZoomshRecord } from "./zoomsh-output.ts";

/** Parses an XML document held in bytes into a sink; a rejection reason when it is not well-formed. */
function parseXmlBytes<T>(bytes: Buffer, sink: RecordDataSink<T>): { value: T } | { error: string } {
  const decoder = new XmlTextDecoder();
  const text = decoder.decode(bytes) + decoder.end();
  const error = parseXmlString(text, sink);
  return error === undefined ? { value: sink.finish() } : { error: `XML is not well-formed: ${error}` };
}

/** The OPAC record (bib + holdings) in a zoomsh record of syntax OPAC. */
export function readOpacRecord(record: ZoomshRecord): OpacRecord | { error: string } {
  const parsed = parseXmlBytes(record.bytes, new OpacXmlSink());
  return "error" in parsed ? parsed : parsed.value;
}

function rejected(position: number, reason: string, bytes: Buffer): ParsedRecord {
  return { ok: false, reason, position, raw: clipRaw(bytes.toString("utf8")) };
}

/**
 * One record of zoomsh output → a MARC record or its rejection: ISO 2709 (MARC-8 or UTF-8 by
 * leader/09), MARCXML, or OPAC (the bibliographic record; when it has no item fields of its own,
 * the OPAC holdings are added as 852 fields so the holdings mapping sees the copies).
 */
export function toParsedRecord(record: ZoomshRecord): ParsedRecord {
  const position = record.index;
  if (record.problem) return rejected(position, record.problem, record.bytes);
  if (record.bytes.length === 0) return { ok: false, reason: `empty ${record.syntax} record`, position };
  const syntax = record.syntax.toLowerCase();
  if (syntax === "opac") {
    const opac = readOpacRecord(record);
    if ("error" in opac) return rejected(position, opac.error, record.bytes);
    if (!opac.record) return rejected(position, "OPAC record without a bibliographic record", record.bytes);
    if (!opac.record.ok) return { ...opac.record, position };
    return { ok: true, record: withOpacHoldings(opac.record.record, opac.holdings), position };
  }
  if (syntax.includes("xml")) {
    const parsed = parseXmlBytes(record.bytes, new MarcXmlSink());
    if ("error" in parsed) return rejected(position, parsed.error, record.bytes);
    return { ...parsed.value, position };
  }
  if (syntax.includes("marc")) {
    try {
      return { ok: true, record: parseIso2709Record(record.bytes), position };
    } catch (error) {
      const reason = error instanceof MarcParseError ? error.message : `unexpected error: ${String(error)}`;
      return rejected(position, reason, record.bytes);
    }
  }
  return rejected(position, `record syntax ${record.syntax} is not MARC`, record.bytes);
}

/** Status words the 852 holdings preset reads back (from $y/$z) into the same status. */
const STATUS_TEXT: Record<LiveHolding["status"], string> = {
  available: "Available",
  on_loan: "On loan",
  missing: "Missing",
  not_lendable: "Not for loan",
};

function withOpacHoldings(record: MarcRecord, holdings: LiveHolding[]): MarcRecord {
  if (holdings.length === 0 || detectHoldingsMapping(record)) return record;
  const fields: DataField[] = holdings.map((holding) => {
    const subfields: Array<[string, string]> = [];
    if (holding.location) subfields.push(["b", holding.location]);
    if (holding.callNumber) subfields.push(["h", holding.callNumber]);
    if (holding.barcode) subfields.push(["p", holding.barcode]);
    subfields.push(["y", STATUS_TEXT[holding.status]]);
    if (holding.dueDate) subfields.push(["z", `Due ${holding.dueDate}`]);
    return { tag: "852", ind1: " ", ind2: " ", subfields };
  });
  return { ...record, fields: [...record.fields, ...fields] };
}
