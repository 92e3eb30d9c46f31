import type { DataField, MarcRecord } from "@interlend/harvester/marc/record";
import type { HarvestPage, HarvestRecord, HarvestSource } from "@interlend/harvester/sources/types";

export interface BibSpec {
  id: string;
  title: string;
  author?: string;
  year?: number;
  isbns?: string[];
  issn?: string;
  oclc?: string;
  /** Koha 952 items: [barcode, status] with status available | on_loan | reference. */
  items?: Array<[string, "available" | "on_loan" | "reference"]>;
}

function field(tag: string, subfields: Array<[string, string]>, ind1 = " ", ind2 = " "): DataField {
  return { tag, ind1, ind2, subfields };
}

/** A small but well-formed MARC21 book record with Koha-style items. */
export function bibRecord(spec: BibSpec): MarcRecord {
  const year = spec.year === undefined ? "    " : String(spec.year);
  const fields: MarcRecord["fields"] = [
    { tag: "001", value: spec.id },
    { tag: "005", value: "20240115103000.0" },
    { tag: "008", value: `240115s${year}    xxu           000 0 eng d` },
  ];
  for (const isbn of spec.isbns ?? []) fields.push(field("020", [["a", isbn]]));
  if (spec.issn) fields.push(field("022", [["a", spec.issn]]));
  if (spec.oclc) fields.push(field("035", [["a", `(OCoLC)${spec.oclc}`]]));
  if (spec.author) fields.push(field("100", [["a", spec.author]], "1"));
  fields.push(field("245", [["a", spec.title]], "1", "0"));
  if (spec.year !== undefined) fields.push(field("264", [["b", "Test Press,"], ["c", String(spec.year)]], " ", "1"));
  for (const [barcode, status] of spec.items ?? []) {
    const subfields: Array<[string, string]> = [["a", "MAIN"], ["b", "MAIN"], ["p", barcode], ["o", "QA76 .T4"], ["y", status === "reference" ? "REF" : "BK"]];
    if (status === "on_loan") subfields.push(["q", "2030-01-31"]);
    if (status === "reference") subfields.push(["7", "1"]);
    fields.push(field("952", subfields));
  }
  return { leader: "00000nam a2200000 a 4500", fields };
}

/** A harvest source over records held in memory: one page per array. */
export function memorySource(pages: Array<Array<MarcRecord | { delete: string }>>): HarvestSource {
  return {
    async *pages(): AsyncIterable<HarvestPage> {
      let position = 0;
      for (const [index, page] of pages.entries()) {
        const records: HarvestRecord[] = page.map((r) =>
          "delete" in r ? { kind: "delete", position: position++, localId: r.delete } : { kind: "upsert", position: position++, record: r },
        );
        yield { records, checkpoint: { page: index + 1 } };
      }
    },
  };
}
