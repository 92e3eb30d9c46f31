import { isDeletedRecord } from "../../marc/record.ts";
import type { HarvestRecord } from "../types.ts";
import { dublinCoreToMarc } from "./dublin-core.ts";
import type { OaiRecord } from "./list-parser.ts";
import { withOaiIdentifier } from "./local-id.ts";

/** Characters of raw XML kept with a rejection. */
const RAW_LIMIT = 2_000;

/**
 * One OAI record → one HarvestRecord. The local id is always the OAI header identifier (see
 * withOaiIdentifier): deleted headers and MARC records with leader/05 = "d" become deletes,
 * readable metadata an upsert, anything else a rejection that names the identifier.
 */
export function toHarvestRecord(record: OaiRecord, position: number): HarvestRecord {
  const { header, metadata } = record;
  const localId = header.identifier;
  const datestamp = header.datestamp || undefined;
  if (!localId) {
    return {
      kind: "rejected",
      position,
      reason: "OAI record header without an identifier",
      raw: raw(record),
    };
  }
  if (header.deleted) return { kind: "delete", position, localId, datestamp };
  if (!metadata) return { kind: "rejected", position, localId, reason: "OAI record without <metadata>" };
  switch (metadata.format) {
    case "marc": {
      const parsed = metadata.parsed;
      if (!parsed.ok) return { kind: "rejected", position, localId, reason: parsed.reason, raw: raw(record) };
      if (isDeletedRecord(parsed.record)) return { kind: "delete", position, localId, datestamp };
      return { kind: "upsert", position, record: withOaiIdentifier(parsed.record, localId), datestamp };
    }
    case "dc":
      return {
        kind: "upsert",
        position,
        record: withOaiIdentifier(dublinCoreToMarc(metadata.dc), localId),
        datestamp,
      };
    case "unsupported":
      return {
        kind: "rejected",
        position,
        localId,
        reason: `unsupported metadata <${metadata.element}> (expected MARCXML or oai_dc)`,
        raw: raw(record),
      };
  }
}

function raw(record: OaiRecord): string | undefined {
  return record.rawMetadata?.slice(0, RAW_LIMIT);
}
