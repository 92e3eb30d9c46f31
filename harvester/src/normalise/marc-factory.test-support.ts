/** Factory for hand-built MARC records in the normalisation tests. */
import type { ControlField, DataField, MarcField, MarcRecord } from "../marc/record.ts";

/** A data field from "tag", two indicator characters and "$a value $b value" text. */
export function df(tag: string, indicators: string, text: string): DataField {
  const subfields: Array<[string, string]> = [];
  for (const part of text.split("$").slice(1)) subfields.push([part.slice(0, 1), part.slice(1).trim()]);
  return { tag, ind1: indicators[0] ?? " ", ind2: indicators[1] ?? " ", subfields };
}

export function cf(tag: string, value: string): ControlField {
  return { tag, value };
}

/** 008 for books: date entered, date type, year, place, form of item (23), language. */
export function f008(
  options: { year?: string; language?: string; formOfItem?: string; type21?: string } = {},
): ControlField {
  const chars = "240101s2020    xxu           000 0 eng d".split("");
  const put = (at: number, text: string) => text.split("").forEach((c, i) => (chars[at + i] = c));
  if (options.year !== undefined) put(7, options.year.padEnd(4, " "));
  if (options.language !== undefined) put(35, options.language.padEnd(3, " "));
  if (options.formOfItem !== undefined) put(23, options.formOfItem);
  if (options.type21 !== undefined) put(21, options.type21);
  return cf("008", chars.join(""));
}

export function record(fields: MarcField[], leader = "00000nam a2200000 a 4500"): MarcRecord {
  return { leader, fields };
}
