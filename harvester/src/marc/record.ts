/** In-memory MARC record: the shape every parser produces and every writer consumes. */
export interface ControlField {
  tag: string;
  value: string;
}

export interface DataField {
  tag: string;
  ind1: string;
  ind2: string;
  /** [code, value] pairs in record order. */
  subfields: Array<[string, string]>;
}

export type MarcField = ControlField | DataField;

export interface MarcRecord {
  leader: string;
  fields: MarcField[];
}

export function isControlField(field: MarcField): field is ControlField {
  return "value" in field;
}

export function controlValue(record: MarcRecord, tag: string): string | undefined {
  for (const field of record.fields) {
    if (field.tag === tag && isControlField(field)) return field.value;
  }
  return undefined;
}

export function dataFields(record: MarcRecord, ...tags: string[]): DataField[] {
  return record.fields.filter((f): f is DataField => tags.includes(f.tag) && !isControlField(f));
}

export function subfieldValues(field: DataField, code: string): string[] {
  const values: string[] = [];
  for (const [c, v] of field.subfields) if (c === code) values.push(v);
  return values;
}

export function firstSubfield(field: DataField, code: string): string | undefined {
  for (const [c, v] of field.subfields) if (c === code) return v;
  return undefined;
}

/** Leader/05 = 'd' marks a deleted record. */
export function isDeletedRecord(record: MarcRecord): boolean {
  return record.leader[5] === "d";
}
