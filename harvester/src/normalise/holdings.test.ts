import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readMarcFile } from "../marc/index.ts";
import { extractItems, HOLDINGS_PRESETS, normaliseStatus, type HoldingsMapping } from "./holdings.ts";
import { df, record } from "./marc-factory.test-support.ts";

describe("normaliseStatus", () => {
  it.each([
    ["Available", "available"],
    ["On shelf", "available"],
    ["IN", "available"],
    ["Checked in", "available"],
    ["Not checked out", "available"],
    ["Checked out", "on_loan"],
    ["CHECKEDOUT", "on_loan"],
    ["On loan", "on_loan"],
    ["Due 2024-03-01", "on_loan"],
    ["DUE 03-01-24", "on_loan"],
    ["2024-03-01", "on_loan"],
    ["In transit", "on_loan"],
    ["On hold shelf", "on_loan"],
    ["Missing", "missing"],
    ["Lost", "missing"],
    ["Withdrawn", "missing"],
    ["Claims returned", "missing"],
    ["Reference", "not_lendable"],
    ["REF", "not_lendable"],
    ["Library use only", "not_lendable"],
    ["Non-circulating", "not_lendable"],
    ["Not for loan", "not_lendable"],
    ["Präsenzbestand", "not_lendable"],
    ["ausgeliehen", "on_loan"],
    ["emprunté", "on_loan"],
    ["disponible", "available"],
  ])("%j → %s", (text, status) => {
    expect(normaliseStatus(text)).toBe(status);
  });

  it("returns undefined for empty or unknown text", () => {
    expect(normaliseStatus("")).toBeUndefined();
    expect(normaliseStatus(undefined)).toBeUndefined();
    expect(normaliseStatus("Gift of the Friends")).toBeUndefined();
  });
});

describe("extractItems: Koha 952", () => {
  const koha = (subfields: string) => record([df("245", "00", "$a T"), df("952", "  ", subfields)]);

  it("reads an available item", () => {
    expect(
      extractItems(koha("$a MAIN $b MAIN $c STACKS $o 823.914 SMI $p 31234000012345 $y BK $7 0 $1 0")),
    ).toEqual([
      {
        barcode: "31234000012345",
        callNumber: "823.914 SMI",
        location: "MAIN, STACKS",
        status: "available",
        lendable: true,
        loanType: "returnable",
      },
    ]);
  });

  it("$q due date → on loan", () => {
    const [item] = extractItems(koha("$a MAIN $p 1 $q 2024-03-01 $y BK"));
    expect(item).toMatchObject({ status: "on_loan", dueDate: "2024-03-01", lendable: true });
  });

  it("$7 not-for-loan and REF item types → not lendable; $1 lost and $0 withdrawn → missing", () => {
    expect(extractItems(koha("$p 1 $7 1"))[0]).toMatchObject({ status: "not_lendable", lendable: false });
    expect(extractItems(koha("$p 1 $7 -1"))[0]).toMatchObject({ status: "not_lendable", lendable: false });
    expect(extractItems(koha("$p 1 $y REF"))[0]).toMatchObject({ status: "not_lendable", lendable: false });
    expect(extractItems(koha("$p 1 $1 2"))[0]).toMatchObject({ status: "missing" });
    expect(extractItems(koha("$p 1 $0 1 $q 2024-01-01"))[0]).toMatchObject({ status: "missing" });
    expect(extractItems(koha("$p 1 $4 1"))[0]).toMatchObject({ status: "not_lendable" });
  });

  it("photocopy and electronic item types are non-returnable", () => {
    expect(extractItems(koha("$p 1 $y PHOTOCOPY"))[0]?.loanType).toBe("non_returnable");
    expect(extractItems(koha("$p 1 $y EBOOK"))[0]?.loanType).toBe("non_returnable");
  });

  it("one item per 952", () => {
    const rec = record([
      df("245", "00", "$a T"),
      df("952", "  ", "$p 1"),
      df("952", "  ", "$p 2 $q 2025-01-31"),
    ]);
    expect(extractItems(rec).map((i) => [i.barcode, i.status])).toEqual([
      ["1", "available"],
      ["2", "on_loan"],
    ]);
  });
});

describe("extractItems: MARC 21 852", () => {
  const with852 = (subfields: string) => record([df("245", "00", "$a T"), df("852", "0 ", subfields)]);

  it("reads barcode, call number, location and a status subfield", () => {
    expect(
      extractItems(
        with852("$b EAST $c Stacks $h QA76.73 $i .J38 2020 $p 0001234 $y Checked out, due 03/15/2024"),
      ),
    ).toEqual([
      {
        barcode: "0001234",
        callNumber: "QA76.73 .J38 2020",
        location: "EAST, Stacks",
        status: "on_loan",
        dueDate: "2024-03-15",
        lendable: true,
        loanType: "returnable",
      },
    ]);
  });

  it("reads the public note for restrictions", () => {
    expect(extractItems(with852("$b EAST $h X1 $z Library use only"))[0]).toMatchObject({
      status: "not_lendable",
      lendable: false,
    });
    expect(extractItems(with852("$b EAST $h X1 $y Missing"))[0]).toMatchObject({ status: "missing" });
    expect(extractItems(with852("$b EAST $h X1"))[0]).toMatchObject({ status: "available", lendable: true });
  });

  it("prefers 952 when a record has both (auto-detection order)", () => {
    const both = record([df("852", "  ", "$b A"), df("952", "  ", "$p K1"), df("245", "00", "$a T")]);
    expect(extractItems(both).map((i) => i.barcode)).toEqual(["K1"]);
    expect(extractItems(both, HOLDINGS_PRESETS["marc21-852"]).map((i) => i.location)).toEqual(["A"]);
  });
});

describe("extractItems: other shapes and custom mappings", () => {
  it("III 945 status codes and Sirsi 949 current locations", () => {
    const iii = record([
      df("945", "  ", "$a PS3553 .H15 $i 3000 $l main $s o $t 1"),
      df("945", "  ", "$i 3001 $s m"),
    ]);
    expect(extractItems(iii).map((i) => i.status)).toEqual(["not_lendable", "missing"]);
    const sirsi = record([df("949", "  ", "$a PS3553 $i 4000 $m MAIN $l STACKS $k CHECKEDOUT $t BOOK")]);
    expect(extractItems(sirsi)[0]).toMatchObject({
      status: "on_loan",
      location: "MAIN, STACKS",
      barcode: "4000",
    });
  });

  it("a configured mapping with its own status codes and not-lendable values", () => {
    const mapping: HoldingsMapping = {
      tag: "999",
      barcode: "b",
      status: "s",
      lendable: "l",
      statusMap: { X: "missing" },
      notLendableValues: ["Präsenz"],
    };
    const rec = record([
      df("999", "  ", "$b 1 $s X"),
      df("999", "  ", "$b 2 $l Präsenz"),
      df("999", "  ", "$b 3 $s verfügbar"),
    ]);
    expect(extractItems(rec, mapping).map((i) => i.status)).toEqual(["missing", "not_lendable", "available"]);
  });

  it("no holdings field → no items", () => {
    expect(extractItems(record([df("245", "00", "$a T")]))).toEqual([]);
  });
});

const FIXTURES = fileURLToPath(new URL("../../../../shared/fixtures/", import.meta.url));
const HAVE_FIXTURES = existsSync(FIXTURES);

describe.skipIf(!HAVE_FIXTURES)(
  `extractItems on real MARC${HAVE_FIXTURES ? "" : ` — skipped: shared fixtures not found at ${FIXTURES}`}`,
  () => {
    it("catmandu bu_bibs.mrc: Alma 852 holdings give call numbers and locations", async () => {
      const items = [];
      for await (const parsed of readMarcFile(`${FIXTURES}catmandu-marc/bu_bibs.mrc`)) {
        if (parsed.ok) items.push(...extractItems(parsed.record));
      }
      expect(items.length).toBeGreaterThanOrEqual(100);
      expect(items[0]).toEqual({
        callNumber: "HV8699.U5 G35 2002",
        location: "MUG, boss",
        status: "available",
        lendable: true,
        loanType: "returnable",
      });
    });
  },
);
