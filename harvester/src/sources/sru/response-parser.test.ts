import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { ParsedRecord } from "../../marc/parsed.ts";
import { controlValue, dataFields, firstSubfield } from "../../marc/record.ts";
import { extractItems } from "../../normalise/holdings.ts";
import { OpacXmlSink, type OpacRecord } from "../live/opac-xml.ts";
import { SruProtocolError } from "./errors.ts";
import { MarcXmlSink, type RecordDataSink } from "./record-data.ts";
import { SruResponseParser, type SruResponse } from "./response-parser.ts";

const fixture = (name: string): string =>
  readFileSync(path.join(import.meta.dirname, "fixtures", name), "utf8");

/** Feeds the text in small pieces, as a network stream would. */
function parse<T>(text: string, createSink: () => RecordDataSink<T>, chunk = 7): SruResponse<T> {
  const parser = new SruResponseParser(createSink);
  for (let i = 0; i < text.length; i += chunk) parser.write(text.slice(i, i + chunk));
  return parser.end();
}

const marc = (): MarcXmlSink => new MarcXmlSink();
const ok = (entry: { data?: ParsedRecord }) => {
  if (!entry.data?.ok) throw new Error(`not a record: ${JSON.stringify(entry)}`);
  return entry.data.record;
};

describe("SruResponseParser on captured Zebra responses", () => {
  it("reads a page of MARCXML records with their positions and the total", () => {
    const response = parse(fixture("zebra-page.xml"), marc);
    expect(response.version).toBe("1.2");
    expect(response.numberOfRecords).toBe(25);
    expect(response.nextRecordPosition).toBeUndefined();
    expect(response.diagnostics).toEqual([]);
    expect(response.records.map((r) => r.position)).toEqual([3, 4, 5]);
    expect(response.records.map((r) => r.schema)).toEqual(Array(3).fill("info:srw/schema/1/marcxml-v1.1"));
    const records = response.records.map(ok);
    expect(records.map((r) => controlValue(r, "001"))).toEqual(["peer0003", "peer0004", "peer0005"]);
    const title = dataFields(records[1]!, "245")[0]!;
    expect(firstSubfield(title, "a")).toBe("Les misérables /");
    // Items come out through the shared holdings code (Koha 952 first).
    expect(extractItems(records[0]!).map((i) => [i.barcode, i.location, i.status])).toEqual([
      ["39000000003", "MAIN", "available"],
      ["39001000003", "BRANCH", "not_lendable"],
    ]);
  });

  it("gives the same result whatever the chunking", () => {
    const whole = parse(fixture("zebra-page.xml"), marc, 1_000_000);
    const bytewise = parse(fixture("zebra-page.xml"), marc, 1);
    expect(bytewise).toEqual(whole);
  });

  it("reads a diagnostic", () => {
    const response = parse(fixture("zebra-diagnostic.xml"), marc);
    expect(response.records).toEqual([]);
    expect(response.numberOfRecords).toBeUndefined();
    expect(response.diagnostics).toEqual([
      { uri: "info:srw/diagnostic/1/10", message: "Query syntax error" },
    ]);
  });

  it("unpacks string-packed records", () => {
    const response = parse(fixture("zebra-string-packed.xml"), marc);
    expect(response.records).toHaveLength(1);
    expect(controlValue(ok(response.records[0]!), "001")).toBe("peer0004");
    expect(response.records[0]!.position).toBe(4);
  });

  it("reads OPAC-XML holdings with the OPAC sink", () => {
    const response = parse<OpacRecord>(fixture("zebra-opac.xml"), () => new OpacXmlSink());
    const opac = response.records[0]!.data!;
    expect(opac.record?.ok && controlValue(opac.record.record, "001")).toBe("peer0003");
    expect(opac.holdings).toEqual([
      { barcode: "39000000003", callNumber: "QA3.T3", location: "MAIN", status: "available" },
      { barcode: "39001000003", callNumber: "QA3.T3 c.2", location: "BRANCH", status: "not_lendable" },
    ]);
  });
});

const envelope = (records: string, extra = ""): string =>
  `<?xml version="1.0"?><srw:searchRetrieveResponse xmlns:srw="http://www.loc.gov/zing/srw/">` +
  `<srw:version>1.1</srw:version><srw:numberOfRecords>9</srw:numberOfRecords><srw:records>${records}</srw:records>${extra}` +
  `</srw:searchRetrieveResponse>`;

describe("SruResponseParser edge cases", () => {
  it("turns surrogate diagnostics and broken records into per-record problems", () => {
    const response = parse(
      envelope(
        `<srw:record><srw:recordSchema>info:srw/schema/1/diagnostics-v1.1</srw:recordSchema><srw:recordData>` +
          `<diag:diagnostic xmlns:diag="http://www.loc.gov/zing/srw/diagnostic/"><diag:uri>info:srw/diagnostic/1/67</diag:uri>` +
          `<diag:message>Record not available in this schema</diag:message></diag:diagnostic></srw:recordData>` +
          `<srw:recordPosition>1</srw:recordPosition></srw:record>` +
          `<srw:record><srw:recordData><record><controlfield>x</controlfield></record></srw:recordData>` +
          `<srw:recordPosition>2</srw:recordPosition></srw:record>`,
        "<srw:nextRecordPosition>3</srw:nextRecordPosition>",
      ),
      marc,
    );
    expect(response.nextRecordPosition).toBe(3);
    expect(response.records[0]).toMatchObject({
      position: 1,
      diagnostic: { uri: "info:srw/diagnostic/1/67", message: "Record not available in this schema" },
    });
    expect(response.records[1]).toMatchObject({ position: 2, data: { ok: false } });
    expect((response.records[1]!.data as { reason: string }).reason).toMatch(/controlfield/);
  });

  it("reads SRU 2.0 (another namespace, recordXMLEscaping)", () => {
    const text =
      `<sru:searchRetrieveResponse xmlns:sru="http://docs.oasis-open.org/ns/search-ws/sruResponse">` +
      `<sru:numberOfRecords>1</sru:numberOfRecords><sru:records><sru:record><sru:recordXMLEscaping>xml</sru:recordXMLEscaping>` +
      `<sru:recordData><marc:record xmlns:marc="http://www.loc.gov/MARC21/slim"><marc:leader>00000nam a2200000 a 4500</marc:leader>` +
      `<marc:controlfield tag="001">x1</marc:controlfield></marc:record></sru:recordData></sru:record></sru:records></sru:searchRetrieveResponse>`;
    const response = parse(text, marc);
    expect(controlValue(ok(response.records[0]!), "001")).toBe("x1");
  });

  it("refuses a DOCTYPE with entities (XML bomb) before expanding anything", () => {
    const bomb =
      `<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">]>` +
      envelope("<srw:record><srw:recordData>&lol2;</srw:recordData></srw:record>");
    expect(() => parse(bomb, marc)).toThrow(SruProtocolError);
    expect(() => parse(bomb, marc)).toThrow(/ENTITY/);
  });

  it("refuses malformed XML and other documents", () => {
    expect(() => parse(envelope("<srw:record>").slice(0, -10), marc)).toThrow(SruProtocolError);
    expect(() => parse("<html><body>Not found</body></html>", marc)).toThrow(/searchRetrieveResponse/);
    expect(() => parse("", marc)).toThrow(/no root element/);
  });
});
