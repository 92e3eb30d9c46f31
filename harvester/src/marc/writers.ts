import { isControlField, type MarcRecord } from "./record.ts";

const FIELD_TERMINATOR = "\x1e";
const RECORD_TERMINATOR = "\x1d";
const SUBFIELD_DELIMITER = "\x1f";

function escapeXml(text: string): string {
  return text.replace(/[<>&"]/g, (c) => (c === "<" ? "&lt;" : c === ">" ? "&gt;" : c === "&" ? "&amp;" : "&quot;"));
}

/** One <record> element (no XML declaration, no collection wrapper). */
export function toMarcXmlRecord(record: MarcRecord): string {
  const parts = [`<record xmlns="http://www.loc.gov/MARC21/slim"><leader>${escapeXml(record.leader)}</leader>`];
  for (const field of record.fields) {
    if (isControlField(field)) {
      parts.push(`<controlfield tag="${field.tag}">${escapeXml(field.value)}</controlfield>`);
    } else {
      parts.push(`<datafield tag="${field.tag}" ind1="${escapeXml(field.ind1)}" ind2="${escapeXml(field.ind2)}">`);
      for (const [code, value] of field.subfields) {
        parts.push(`<subfield code="${escapeXml(code)}">${escapeXml(value)}</subfield>`);
      }
      parts.push("</datafield>");
    }
  }
  parts.push("</record>");
  return parts.join("");
}

export const MARCXML_COLLECTION_OPEN =
  '<?xml version="1.0" encoding="UTF-8"?>\n<collection xmlns="http://www.loc.gov/MARC21/slim">\n';
export const MARCXML_COLLECTION_CLOSE = "</collection>\n";

/** ISO 2709 (UTF-8, leader/09 = 'a'); lengths are counted in bytes. */
export function toIso2709(record: MarcRecord): Buffer {
  const bodies: Buffer[] = [];
  const directory: string[] = [];
  let offset = 0;
  for (const field of record.fields) {
    const text = isControlField(field)
      ? field.value
      : field.ind1 + field.ind2 + field.subfields.map(([c, v]) => SUBFIELD_DELIMITER + c + v).join("");
    const body = Buffer.from(text + FIELD_TERMINATOR, "utf8");
    directory.push(field.tag.padStart(3, "0") + String(body.length).padStart(4, "0") + String(offset).padStart(5, "0"));
    bodies.push(body);
    offset += body.length;
  }
  const directoryBytes = Buffer.from(directory.join("") + FIELD_TERMINATOR, "ascii");
  const baseAddress = 24 + directoryBytes.length;
  const recordLength = baseAddress + offset + 1;
  const leaderIn = record.leader.padEnd(24, " ");
  const leader =
    String(recordLength).padStart(5, "0") +
    leaderIn.slice(5, 9) +
    "a" +
    "22" +
    String(baseAddress).padStart(5, "0") +
    leaderIn.slice(17, 20) +
    "4500";
  return Buffer.concat([Buffer.from(leader, "ascii"), directoryBytes, ...bodies, Buffer.from(RECORD_TERMINATOR)]);
}
