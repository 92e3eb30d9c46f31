import { dataFields, type DataField, type MarcRecord } from "../marc/record.ts";
import { parseDueDate } from "./dates.ts";
import { HOLDINGS_DETECTION_ORDER, HOLDINGS_PRESETS, type HoldingsMapping } from "./holdings-mapping.ts";
import { normaliseStatus } from "./status.ts";
import { clean } from "./text.ts";
import type { ItemStatus, LoanType, NormalisedItem } from "./types.ts";

export { HOLDINGS_PRESETS, type HoldingsMapping, type HoldingsPresetName } from "./holdings-mapping.ts";
export { normaliseStatus } from "./status.ts";

/** The preset to use for a record without a configured mapping, if any of their tags occurs. */
export function detectHoldingsMapping(record: MarcRecord): HoldingsMapping | undefined {
  const tags = new Set(record.fields.map((f) => f.tag));
  for (const name of HOLDINGS_DETECTION_ORDER)
    if (tags.has(HOLDINGS_PRESETS[name].tag)) return HOLDINGS_PRESETS[name];
  return undefined;
}

/** One item per occurrence of the mapping's field (auto-detected without a mapping). */
export function extractItems(record: MarcRecord, mapping?: HoldingsMapping): NormalisedItem[] {
  const chosen = mapping ?? detectHoldingsMapping(record);
  if (!chosen) return [];
  return dataFields(record, chosen.tag).map((field) => itemFrom(field, chosen));
}

const STATUS_PRIORITY: ItemStatus[] = ["missing", "not_lendable", "on_loan", "available"];
const FLAG_OFF = new Set(["", "0", "n", "no", "false"]);
const NON_RETURNABLE =
  /photo ?cop|cop(?:y|ies)\b|article|electronic|e-?book|e-?journal|online|digital|pdf|scan/i;

function codes(spec: string | string[] | undefined): string[] {
  return spec === undefined ? [] : Array.isArray(spec) ? spec : [spec];
}

function valuesOf(field: DataField, spec: string | string[] | undefined): string[] {
  const wanted = codes(spec);
  const out: string[] = [];
  // Field order within each listed code, codes in the mapping's order.
  for (const code of wanted) {
    for (const [c, v] of field.subfields) if (c === code && clean(v) !== "") out.push(clean(v));
  }
  return out;
}

function matchesAny(value: string, list: string[] | undefined): boolean {
  const lower = value.toLowerCase();
  return (list ?? []).some((entry) => entry.toLowerCase() === lower);
}

function itemFrom(field: DataField, mapping: HoldingsMapping): NormalisedItem {
  const found = new Set<ItemStatus>();
  let dueDate: string | undefined;

  for (const [code, status] of Object.entries(mapping.flags ?? {})) {
    if (valuesOf(field, code).some((v) => !FLAG_OFF.has(v.toLowerCase()))) found.add(status);
  }
  for (const text of valuesOf(field, mapping.status)) {
    const status = mapped(text, mapping.statusMap) ?? normaliseStatus(text);
    if (status === undefined) continue;
    found.add(status);
    if (status === "on_loan") dueDate ??= parseDueDate(text);
  }
  const lendableValue = valuesOf(field, mapping.lendable)[0];
  if (lendableValue !== undefined && !isLendableValue(lendableValue, mapping)) found.add("not_lendable");
  const itemType = valuesOf(field, mapping.loanType)[0];
  if (itemType !== undefined && isReferenceType(itemType, mapping)) found.add("not_lendable");
  const due = valuesOf(field, mapping.dueDate)[0];
  if (due !== undefined) {
    const parsed = parseDueDate(due);
    if (parsed !== undefined) {
      dueDate = parsed;
      found.add("on_loan");
    }
  }

  const status = STATUS_PRIORITY.find((s) => found.has(s)) ?? "available";
  const item: NormalisedItem = {
    status,
    lendable: status !== "not_lendable",
    loanType: loanTypeOf(itemType, mapping),
  };
  const barcode = valuesOf(field, mapping.barcode)[0];
  if (barcode !== undefined) item.barcode = barcode;
  const callNumber = valuesOf(field, mapping.callNumber).join(" ");
  if (callNumber !== "") item.callNumber = callNumber;
  const location = [...new Set(valuesOf(field, mapping.location))].join(", ");
  if (location !== "") item.location = location;
  if (status === "on_loan" && dueDate !== undefined) item.dueDate = dueDate;
  return item;
}

function mapped(text: string, map: Record<string, ItemStatus> | undefined): ItemStatus | undefined {
  if (!map) return undefined;
  if (Object.hasOwn(map, text)) return map[text];
  const lower = text.toLowerCase();
  for (const [key, status] of Object.entries(map)) if (key.toLowerCase() === lower) return status;
  return undefined;
}

function isLendableValue(value: string, mapping: HoldingsMapping): boolean {
  if (matchesAny(value, mapping.notLendableValues)) return false;
  if (/^-?\d+$/.test(value)) return Number(value) === 0;
  if (/^(n|no|false|not lendable)$/i.test(value)) return false;
  return normaliseStatus(value) !== "not_lendable";
}

function isReferenceType(itemType: string, mapping: HoldingsMapping): boolean {
  return matchesAny(itemType, mapping.notLendableValues) || normaliseStatus(itemType) === "not_lendable";
}

function loanTypeOf(itemType: string | undefined, mapping: HoldingsMapping): LoanType {
  if (itemType === undefined) return "returnable";
  if (matchesAny(itemType, mapping.nonReturnableValues) || NON_RETURNABLE.test(itemType))
    return "non_returnable";
  return "returnable";
}
