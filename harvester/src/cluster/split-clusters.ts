import type { Transaction } from "kysely";
import type { Database } from "@interlend/db";
import { chunk } from "../ingest/chunk.ts";
import { createClusters } from "./assign-clusters.ts";
import { UnionFind } from "./union-find.ts";
import { isStrongKey } from "./work-key.ts";

type Trx = Transaction<Database>;

/**
 * Groups a cluster's records into the parts still connected by their keys: records sharing a
 * strong key, and unidentified records joined to the others by their work key.
 */
export function connectedParts(keysByBib: Map<number, string[]>): number[][] {
  const sets = new UnionFind();
  const unidentifiedWorkKeys = new Set<string>();
  for (const [bibId, keys] of keysByBib) {
    sets.find(`b:${bibId}`);
    const strong = keys.filter(isStrongKey);
    for (const key of strong) sets.union(`b:${bibId}`, `k:${key}`);
    if (strong.length > 0) continue;
    for (const key of keys) {
      sets.union(`b:${bibId}`, `k:${key}`);
      unidentifiedWorkKeys.add(key);
    }
  }
  // An identified record anchors the unidentified ones that share its work key.
  for (const [bibId, keys] of keysByBib) {
    if (!keys.some(isStrongKey)) continue;
    for (const key of keys) if (unidentifiedWorkKeys.has(key)) sets.union(`k:${key}`, `b:${bibId}`);
  }
  const parts = new Map<string, number[]>();
  for (const bibId of [...keysByBib.keys()].sort((a, b) => a - b)) {
    const root = sets.find(`b:${bibId}`);
    const part = parts.get(root) ?? [];
    part.push(bibId);
    parts.set(root, part);
  }
  return [...parts.values()];
}

/**
 * After records left or changed, a cluster may no longer hang together (the record that bridged
 * two works is gone). Each such cluster keeps its id for the part holding its oldest record; the
 * other parts get new clusters. Returns the new cluster ids.
 */
export async function splitClusters(trx: Trx, clusterIds: Iterable<number>): Promise<number[]> {
  const created: number[] = [];
  for (const ids of chunk([...clusterIds], 200)) {
    const rows = await trx
      .selectFrom("bib_records")
      .leftJoin("match_keys", "match_keys.bib_id", "bib_records.id")
      .select(["bib_records.id", "bib_records.cluster_id", "match_keys.key"])
      .where("bib_records.cluster_id", "in", ids)
      .execute();
    const byCluster = new Map<number, Map<number, string[]>>();
    for (const row of rows) {
      const bibs = byCluster.get(row.cluster_id!) ?? new Map<number, string[]>();
      const keys = bibs.get(row.id) ?? [];
      if (row.key) keys.push(row.key);
      bibs.set(row.id, keys);
      byCluster.set(row.cluster_id!, bibs);
    }
    for (const keysByBib of byCluster.values()) {
      if (keysByBib.size < 2) continue;
      const [, ...others] = connectedParts(keysByBib);
      if (others.length === 0) continue;
      const fresh = await createClusters(trx, others.length);
      for (const [i, part] of others.entries()) {
        for (const bibIds of chunk(part, 500)) {
          await trx.updateTable("bib_records").set({ cluster_id: fresh[i]! }).where("id", "in", bibIds).execute();
        }
      }
      created.push(...fresh);
    }
  }
  return created;
}
