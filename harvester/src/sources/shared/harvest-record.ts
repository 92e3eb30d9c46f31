import type { ParsedRecord } from "../../marc/parsed.ts";
import { controlValue, isDeletedRecord } from "../../marc/record.ts";
import type { HarvestRecord } from "../types.ts";

/**
 * A parsed MARC record → upsert, delete (leader/05 = d, by its 001) or rejection, at `position`
 * (0-based; the record's own position in its stream by default).
 */
export function marcHarvestRecord(parsed: ParsedRecord, position = parsed.position): HarvestRecord {
  if (!parsed.ok) {
    const rejected: HarvestRecord = { kind: "rejected", position, reason: parsed.reason };
    if (parsed.raw !== undefined) rejected.raw = parsed.raw;
    return rejected;
  }
  const localId = controlValue(parsed.record, "001")?.trim();
  if (isDeletedRecord(parsed.record)) {
    if (!localId) return { kind: "rejected", position, reason: "deleted record without 001 id" };
    return { kind: "delete", position, localId };
  }
  return { kind: "upsert", position, record: parsed.record };
}
