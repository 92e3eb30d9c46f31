import type { Kysely } from "kysely";
import { nowIso, type Database } from "@interlend/db";
import type { NormalisedBib } from "../normalise/types.ts";
import { chunk } from "../ingest/chunk.ts";
import type { UnionIndexWriter } from "./index-writer.ts";
import { buildUnionDocument, type MemberBib, type MemberItem } from "./union-document.ts";

async function libraryCodes(db: Kysely<Database>): Promise<Map<number, string>> {
  const rows = await db.selectFrom("libraries").select(["id", "code"]).execute();
  return new Map(rows.map((r) => [r.id, r.code]));
}

function countFields(marcJson: string): number {
  // Cheap and good enough for "which record is richer": count field objects.
  let count = 0;
  for (let i = marcJson.indexOf('"tag"'); i !== -1; i = marcJson.indexOf('"tag"', i + 5)) count++;
  return count;
}

/** Rebuilds the union documents of the given clusters from the db and writes them to the index. */
export async function indexClusters(db: Kysely<Database>, writer: UnionIndexWriter, clusterIds: number[]): Promise<void> {
  const codes = await libraryCodes(db);
  for (const ids of chunk(clusterIds, 500)) {
    const bibs = await db
      .selectFrom("bib_records")
      .select(["id", "cluster_id", "library_id", "data", "marc"])
      .where("cluster_id", "in", ids)
      .execute();
    const items = bibs.length
      ? await db
          .selectFrom("items")
          .select(["bib_id", "library_id", "status", "lendable"])
          .where("bib_id", "in", bibs.map((b) => b.id))
          .execute()
      : [];
    const clusterOfBib = new Map(bibs.map((b) => [b.id, b.cluster_id!]));
    const membersByCluster = new Map<number, MemberBib[]>();
    for (const row of bibs) {
      const list = membersByCluster.get(row.cluster_id!) ?? [];
      list.push({
        libraryCode: codes.get(row.library_id) ?? String(row.library_id),
        bib: JSON.parse(row.data) as NormalisedBib,
        fieldCount: countFields(row.marc),
      });
      membersByCluster.set(row.cluster_id!, list);
    }
    const itemsByCluster = new Map<number, MemberItem[]>();
    for (const item of items) {
      const clusterId = clusterOfBib.get(item.bib_id)!;
      const list = itemsByCluster.get(clusterId) ?? [];
      list.push({ libraryCode: codes.get(item.library_id) ?? String(item.library_id), status: item.status, lendable: item.lendable === 1 });
      itemsByCluster.set(clusterId, list);
    }
    const documents = [...membersByCluster].map(([clusterId, members]) =>
      buildUnionDocument(clusterId, members, itemsByCluster.get(clusterId) ?? []),
    );
    const empty = ids.filter((id) => !membersByCluster.has(id));
    if (documents.length) await writer.replace(documents);
    if (empty.length) {
      await writer.remove(empty.map(String));
      await db.deleteFrom("clusters").where("id", "in", empty).execute();
    }
  }
}

/**
 * Sends every queued cluster to the index. An entry leaves the outbox only after the index accepted
 * it, so a failure (Meilisearch down) just leaves the work for the next drain.
 */
export async function drainOutbox(
  db: Kysely<Database>,
  writer: UnionIndexWriter,
  options: { batchSize?: number } = {},
): Promise<number> {
  let total = 0;
  for (;;) {
    const readAt = nowIso();
    const batch = await db
      .selectFrom("index_outbox")
      .select("cluster_id")
      .orderBy("cluster_id")
      .limit(options.batchSize ?? 2000)
      .execute();
    if (batch.length === 0) return total;
    await indexClusters(db, writer, batch.map((b) => b.cluster_id));
    // Anything re-queued after the read carries a later timestamp and stays for the next pass.
    for (const part of chunk(batch, 500)) {
      await db
        .deleteFrom("index_outbox")
        .where("cluster_id", "in", part.map((b) => b.cluster_id))
        .where("queued_at", "<", readAt)
        .execute();
    }
    total += batch.length;
  }
}
