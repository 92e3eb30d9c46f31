import { controlValue, dataFields, isControlField, type MarcRecord } from "../../marc/record.ts";

/**
 * Gives a harvested record the OAI identifier as its 001.
 *
 * Why the OAI identifier and not the member's own 001: a deleted record arrives as a bare
 * `<header status="deleted">` with nothing but the OAI identifier, so that is the only id both
 * an upsert and a later delete of the same record are sure to carry. Using it as the local id
 * everywhere keeps the two in step (and works for oai_dc, which has no 001 at all).
 *
 * The member's own control number is not lost: when the record had a different 001 it is kept
 * as a 035 ("(003)001" when there is a 003), unless an identical 035 $a is already there.
 */
export function withOaiIdentifier(record: MarcRecord, identifier: string): MarcRecord {
  const own = controlValue(record, "001")?.trim();
  const fields = record.fields.filter((field) => !(field.tag === "001" && isControlField(field)));
  if (own && own !== identifier) {
    const org = controlValue(record, "003")?.trim();
    const systemNumber = org ? `(${org})${own}` : own;
    const known = dataFields(record, "035").some((field) =>
      field.subfields.some(
        ([code, value]) => code === "a" && (value.trim() === systemNumber || value.trim() === own),
      ),
    );
    if (!known) insertByTag(fields, { tag: "035", ind1: " ", ind2: " ", subfields: [["a", systemNumber]] });
  }
  insertByTag(fields, { tag: "001", value: identifier });
  return { leader: record.leader, fields };
}

/** Inserts before the first field with a higher tag (after those with the same tag). */
function insertByTag<T extends { tag: string }>(fields: T[], field: T): void {
  const at = fields.findIndex((existing) => existing.tag > field.tag);
  if (at < 0) fields.push(field);
  else fields.splice(at, 0, field);
}
