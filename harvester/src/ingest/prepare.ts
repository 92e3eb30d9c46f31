import { createHash } from "node:crypto";
import { strongMatchKeys } from "../cluster/match-keys.ts";
import { workKey } from "../cluster/work-key.ts";
import { normaliseBib } from "../normalise/bib.ts";
import { extractItems, type HoldingsMapping } from "../normalise/holdings.ts";
import type { NormalisedBib, NormalisedItem } from "../normalise/types.ts";
import type { HarvestRecord } from "../sources/types.ts";

export interface PreparedUpsert {
  position: number;
  localId: string;
  bib: NormalisedBib;
  items: NormalisedItem[];
  /** Identifier keys (isbn:, issn:, oclc:, lccn:). */
  keys: string[];
  workKey?: string;
  /** `bib` as stored (bib_records.data): serialised here, off the thread that writes. */
  dataJson: string;
  marcJson: string;
  /** Number of MARC fields (what the index counts in `marc` to find a cluster's richest record). */
  fieldCount: number;
  contentHash: string;
  datestamp: string | null;
}

export interface PreparedPage {
  upserts: PreparedUpsert[];
  deletes: Array<{ position: number; localId: string }>;
  rejected: Array<{ position: number; localId?: string; reason: string; raw?: string }>;
}

/** The CPU part of ingest, done before the transaction opens: normalise, key and hash each record. */
export function preparePage(records: HarvestRecord[], mapping?: HoldingsMapping): PreparedPage {
  const upserts = new Map<string, PreparedUpsert>();
  const deletes = new Map<string, { position: number; localId: string }>();
  const rejected: PreparedPage["rejected"] = [];
  for (const record of records) {
    switch (record.kind) {
      case "rejected":
        rejected.push(record);
        break;
      case "delete":
        upserts.delete(record.localId);
        deletes.set(record.localId, { position: record.position, localId: record.localId });
        break;
      case "upsert": {
        try {
          const bib = normaliseBib(record.record);
          const marcJson = JSON.stringify(record.record);
          // A later version of the same record in one page wins.
          deletes.delete(bib.localId);
          upserts.set(bib.localId, {
            position: record.position,
            localId: bib.localId,
            bib,
            items: extractItems(record.record, mapping),
            keys: strongMatchKeys(bib),
            workKey: workKey(bib),
            dataJson: JSON.stringify(bib),
            marcJson,
            fieldCount: record.record.fields.length,
            contentHash: createHash("sha1").update(marcJson).digest("base64url"),
            datestamp: record.datestamp ?? bib.modifiedAt ?? null,
          });
        } catch (error) {
          rejected.push({ position: record.position, reason: `cannot normalise: ${(error as Error).message}` });
        }
        break;
      }
    }
  }
  return { upserts: [...upserts.values()], deletes: [...deletes.values()], rejected };
}
