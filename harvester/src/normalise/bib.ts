import { createHash } from "node:crypto";
import {
  controlValue,
  dataFields,
  firstSubfield,
  subfieldValues,
  type DataField,
  type MarcRecord,
} from "../marc/record.ts";
import { firstYear, parseMarcTimestamp } from "./dates.ts";
import { detectFormat } from "./format.ts";
import { authors, subjects } from "./headings.ts";
import {
  normaliseIsbn,
  normaliseIssn,
  normaliseLccn,
  normaliseOclcNumber,
  oclcDigits,
} from "./identifiers.ts";
import { clean, stripBrackets, trimIsbd } from "./text.ts";
import type { NormalisedBib } from "./types.ts";

/** Thrown for a record that cannot be made into a bib; the ingest step records it as rejected. */
export class NormaliseError extends Error {
  override readonly name = "NormaliseError";
}

/**
 * Reduces a member's MARC 21 bibliographic record to a NormalisedBib. Throws a NormaliseError
 * when the record has no title (no 245, or a 245 without $a/$k/$b).
 */
export function normaliseBib(record: MarcRecord): NormalisedBib {
  const { title, subtitle } = titleOf(record);
  const bib: NormalisedBib = {
    localId: localIdOf(record),
    title,
    authors: authors(record),
    subjects: subjects(record),
    format: detectFormat(record),
    language: languageOf(record),
    isbns: identifiers(record, "020", "a", normaliseIsbn),
    issns: identifiers(record, "022", "a", normaliseIssn),
    oclcNumbers: oclcNumbersOf(record),
    lccns: identifiers(record, "010", "a", normaliseLccn),
  };
  if (subtitle) bib.subtitle = subtitle;
  const series = seriesOf(record);
  if (series) bib.series = series;
  const publisher = publisherOf(record);
  if (publisher) bib.publisher = publisher;
  const year = yearOf(record);
  if (year !== undefined) bib.year = year;
  const edition = firstValue(record, "250", "a", undefined, true);
  if (edition) bib.edition = edition;
  const modifiedAt = parseMarcTimestamp(controlValue(record, "005"));
  if (modifiedAt) bib.modifiedAt = modifiedAt;
  return bib;
}

/** 001, else the first 035 $a, else a SHA-1 of the record (stable for identical content). */
export function localIdOf(record: MarcRecord): string {
  const id001 = clean(controlValue(record, "001") ?? "");
  if (id001 !== "") return id001;
  const id035 = clean(
    dataFields(record, "035")
      .map((f) => firstSubfield(f, "a") ?? "")
      .find((v) => v.trim()) ?? "",
  );
  if (id035 !== "") return id035;
  return `sha1:${createHash("sha1").update(JSON.stringify(record)).digest("hex")}`;
}

function titleOf(record: MarcRecord): { title: string; subtitle?: string } {
  const field = dataFields(record, "245")[0];
  if (!field) throw new NormaliseError("no title: the record has no 245 field");
  const main = field.subfields
    .filter(([code]) => code === "a" || code === "n" || code === "p")
    .map(([, value]) => clean(value))
    .join(" ");
  const subtitle = trimIsbd(subfieldValues(field, "b").join(" "));
  // A 245 without $a (titles supplied in $k for archival material, or only $b) still has a title.
  const title = trimIsbd(main) || trimIsbd(subfieldValues(field, "k").join(" "));
  if (title === "") {
    if (subtitle !== "") return { title: subtitle };
    throw new NormaliseError("no title: 245 has no $a, $k or $b");
  }
  return subtitle === "" ? { title } : { title, subtitle };
}

function firstValue(
  record: MarcRecord,
  tag: string,
  code: string,
  fields?: DataField[],
  keepAbbreviations = false,
): string | undefined {
  for (const field of fields ?? dataFields(record, tag)) {
    const value = trimIsbd(firstSubfield(field, code) ?? "", keepAbbreviations);
    if (value !== "") return value;
  }
  return undefined;
}

function seriesOf(record: MarcRecord): string | undefined {
  return firstValue(record, "490", "a") ?? firstValue(record, "830", "a");
}

function publisherOf(record: MarcRecord): string | undefined {
  const f264 = dataFields(record, "264");
  const value =
    firstValue(
      record,
      "264",
      "b",
      f264.filter((f) => f.ind2 === "1"),
    ) ??
    firstValue(record, "260", "b") ??
    firstValue(record, "264", "b", f264);
  return value === undefined ? undefined : stripBrackets(value) || undefined;
}

function yearOf(record: MarcRecord): number | undefined {
  const date1 = (controlValue(record, "008") ?? "").slice(7, 11);
  if (/^\d{4}$/.test(date1) && date1 !== "0000" && date1 !== "9999") return Number(date1);
  for (const field of [
    ...dataFields(record, "264").filter((f) => f.ind2 === "1"),
    ...dataFields(record, "260"),
  ]) {
    for (const value of subfieldValues(field, "c")) {
      const year = firstYear(value);
      if (year !== undefined) return year;
    }
  }
  return undefined;
}

const UNKNOWN_LANGUAGES = new Set(["", "und", "|||", "xxx", "mul"]);

function languageOf(record: MarcRecord): string {
  const from008 = (controlValue(record, "008") ?? "").slice(35, 38).trim().toLowerCase();
  if (/^[a-z]{3}$/.test(from008) && !UNKNOWN_LANGUAGES.has(from008)) return from008;
  for (const field of dataFields(record, "041")) {
    for (const value of subfieldValues(field, "a")) {
      // Older records run several codes together in one $a ("engfre").
      const code = clean(value).toLowerCase().slice(0, 3);
      if (/^[a-z]{3}$/.test(code) && !UNKNOWN_LANGUAGES.has(code)) return code;
    }
  }
  return from008 === "mul" ? "mul" : "und";
}

function identifiers(
  record: MarcRecord,
  tag: string,
  code: string,
  normalise: (raw: string) => string | undefined,
): string[] {
  const out = new Set<string>();
  for (const field of dataFields(record, tag)) {
    for (const value of subfieldValues(field, code)) {
      const normalised = normalise(value.normalize("NFC"));
      if (normalised !== undefined) out.add(normalised);
    }
  }
  return [...out];
}

/** 035 $a "(OCoLC)…", plus the 001 of a record whose 003 says OCoLC (WorldCat exports). */
function oclcNumbersOf(record: MarcRecord): string[] {
  const out = new Set(identifiers(record, "035", "a", normaliseOclcNumber));
  if (clean(controlValue(record, "003") ?? "").toLowerCase() === "ocolc") {
    const fromControl = oclcDigits(controlValue(record, "001") ?? "");
    if (fromControl !== undefined) out.add(fromControl);
  }
  return [...out];
}
