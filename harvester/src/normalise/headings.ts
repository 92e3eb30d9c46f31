import { dataFields, type DataField, type MarcRecord } from "../marc/record.ts";
import { clean, trimIsbd, uniqueClean } from "./text.ts";

const NAME_PARTS = new Set(["a", "b", "c", "d"]);
const MAIN_ENTRIES = ["100", "110", "111"];
const ADDED_ENTRIES = ["700", "710", "711"];

/** "$a Garsoian, Nina G., $d 1923-" → "Garsoian, Nina G., 1923-"; empty when there is no $a. */
export function nameHeading(field: DataField): string {
  const parts = field.subfields.filter(([code]) => NAME_PARTS.has(code)).map(([, value]) => clean(value));
  if (!field.subfields.some(([code]) => code === "a")) return "";
  return trimIsbd(parts.filter((p) => p !== "").join(" "), true);
}

/** Main entry (100/110/111) first, then added entries (700/710/711), de-duplicated. */
export function authors(record: MarcRecord): string[] {
  const headings = [...dataFields(record, ...MAIN_ENTRIES), ...dataFields(record, ...ADDED_ENTRIES)].map(
    nameHeading,
  );
  return uniqueClean(headings);
}

const SUBJECT_TAGS = ["600", "610", "611", "630", "650", "651", "655"];
const NAME_SUBJECTS = new Set(["600", "610", "611"]);
const SUBDIVISIONS = new Set(["v", "x", "y", "z"]);

/** "$a Armenia $x History $y To 428." → "Armenia -- History -- To 428". */
export function subjectHeading(field: DataField): string {
  const headParts = NAME_SUBJECTS.has(field.tag) ? new Set(["a", "b", "c", "d", "t"]) : new Set(["a", "b"]);
  const head = trimIsbd(
    field.subfields
      .filter(([code]) => headParts.has(code))
      .map(([, value]) => clean(value))
      .join(" "),
    true,
  );
  if (head === "") return "";
  const subdivisions = field.subfields
    .filter(([code]) => SUBDIVISIONS.has(code))
    .map(([, value]) => trimIsbd(value))
    .filter((value) => value !== "");
  return [head, ...subdivisions].join(" -- ");
}

export function subjects(record: MarcRecord): string[] {
  return uniqueClean(dataFields(record, ...SUBJECT_TAGS).map(subjectHeading));
}
