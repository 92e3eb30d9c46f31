import { describe, expect, it } from "vitest";
import { extractItems } from "../../normalise/holdings.ts";
import { parseZ3950Endpoint } from "./endpoint.ts";
import { toParsedRecord } from "./records.ts";
import { parseZoomshOutput } from "./zoomsh-output.ts";

/** A tiny ISO 2709 record (001 + 245) with correct lengths. */
function iso2709(id: string, title: string): Buffer {
  const fields = [
    ["001", Buffer.from(`${id}\x1e`)],
    ["245", Buffer.from(`10\x1fa${title}\x1e`)],
  ] as const;
  const directory = fields.map(([tag], i) => {
    const start = fields.slice(0, i).reduce((n, [, data]) => n + data.length, 0);
    return `${tag}${String(fields[i]![1].length).padStart(4, "0")}${String(start).padStart(5, "0")}`;
  });
  const base = 24 + directory.join("").length + 1;
  const body = Buffer.concat([...fields.map(([, data]) => data), Buffer.from("\x1d")]);
  const length = base + body.length;
  const leader = `${String(length).padStart(5, "0")}nam a22${String(base).padStart(5, "0")} a 4500`;
  return Buffer.concat([Buffer.from(`${leader}${directory.join("")}\x1e`), body]);
}

describe("parseZoomshOutput", () => {
  it("cuts raw ISO 2709 records at their terminator, even with newlines inside", () => {
    const one = iso2709("a1", "Line\nbreak 0 database=X syntax=USmarc schema=y");
    const two = iso2709("a2", "Second");
    const output = Buffer.concat([
      Buffer.from("tcp:127.0.0.1:9999/Default: 12 hits\nSearchResult-1: term=x cnt=12\n"),
      Buffer.from("10 database=Default syntax=USmarc schema=unknown\n"),
      one,
      Buffer.from("\n11 database=Default syntax=USmarc schema=unknown\n"),
      two,
      Buffer.from("\n"),
    ]);
    const parsed = parseZoomshOutput(output);
    expect(parsed.hits).toBe(12);
    expect(parsed.records.map((r) => [r.index, r.syntax])).toEqual([
      [10, "USmarc"],
      [11, "USmarc"],
    ]);
    expect(parsed.records[0]!.bytes.equals(one)).toBe(true);
    expect(parsed.records[1]!.bytes.equals(two)).toBe(true);
    const record = toParsedRecord(parsed.records[0]!);
    expect(record).toMatchObject({ ok: true, position: 10 });
  });

  it("splits XML records at the next header and rejects what cannot be read", () => {
    const output = Buffer.from(
      "host: 3 hits\n" +
        '0 database=D syntax=XML schema=unknown\n<?xml version="1.0"?>\n<record><controlfield tag="001">x</controlfield></record>\n\n' +
        "1 database=D syntax=XML schema=unknown\n<record><oops></record>\n" +
        "2 database=D syntax=USmarc schema=unknown\n00099nam  2200000   4500 truncated\n",
    );
    const parsed = parseZoomshOutput(output);
    expect(parsed.hits).toBe(3);
    expect(parsed.records).toHaveLength(3);
    expect(toParsedRecord(parsed.records[0]!)).toMatchObject({ ok: true, position: 0 });
    expect(toParsedRecord(parsed.records[1]!)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not well-formed/),
    });
    expect(toParsedRecord(parsed.records[2]!)).toMatchObject({
      ok: false,
      reason: "ISO 2709 record without a record terminator",
    });
  });

  it("reads hits without records", () => {
    expect(parseZoomshOutput(Buffer.from("tcp:h:1/D: 0 hits\n"))).toEqual({ hits: 0, records: [] });
  });
});

describe("OPAC records", () => {
  it("adds the OPAC holdings as 852 fields when the bib record has no items of its own", () => {
    const opac =
      "h: 1 hits\n0 database=D syntax=OPAC schema=unknown\n<opacRecord><bibliographicRecord>" +
      '<record xmlns="http://www.loc.gov/MARC21/slim"><leader>00000nam a2200000 a 4500</leader>' +
      '<controlfield tag="001">o1</controlfield></record></bibliographicRecord><holdings>' +
      "<holding><localLocation>MAIN</localLocation><callNumber>QA 1</callNumber><circulations>" +
      '<circulation><availableNow value="0"/><availabilityDate>2024-07-01</availabilityDate><itemId>b1</itemId></circulation>' +
      '<circulation><availableNow value="1"/><itemId>b2</itemId></circulation></circulations></holding>' +
      "<holding><shelvingLocation>Stacks</shelvingLocation><publicNote>Missing since May</publicNote></holding>" +
      "</holdings></opacRecord>\n";
    const parsed = toParsedRecord(parseZoomshOutput(Buffer.from(opac)).records[0]!);
    if (!parsed.ok) throw new Error(parsed.reason);
    expect(extractItems(parsed.record)).toEqual([
      expect.objectContaining({
        barcode: "b1",
        callNumber: "QA 1",
        location: "MAIN",
        status: "on_loan",
        dueDate: "2024-07-01",
      }),
      expect.objectContaining({ barcode: "b2", location: "MAIN", status: "available" }),
      expect.objectContaining({ location: "Stacks", status: "missing" }),
    ]);
  });
});

describe("parseZ3950Endpoint", () => {
  it("accepts the usual spellings", () => {
    expect(parseZ3950Endpoint("127.0.0.1:9999/Default")).toEqual({
      host: "127.0.0.1",
      port: 9999,
      database: "Default",
    });
    expect(parseZ3950Endpoint("tcp:z.example.org:210/biblios")).toEqual({
      host: "z.example.org",
      port: 210,
      database: "biblios",
    });
    expect(parseZ3950Endpoint("z3950://lx2.loc.gov:210/LCDB")).toEqual({
      host: "lx2.loc.gov",
      port: 210,
      database: "LCDB",
    });
    expect(parseZ3950Endpoint("z.example.org")).toEqual({
      host: "z.example.org",
      port: 210,
      database: "Default",
    });
    expect(() => parseZ3950Endpoint("not a host")).toThrow(/host:port\/database/);
  });
});
