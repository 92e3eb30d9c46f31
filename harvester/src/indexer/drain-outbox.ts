import { sql, type Kysely } from "kysely";
import { nowIso, type Database } from "@interlend/db";
import type { UnionDocument } from "@interlend/core/meili/union-index";
import type { NormalisedBib } from "../normalise/types.ts";
import { chunk } from "../ingest/chunk.ts";
import { FIELD_COUNT_SQL, sqliteFastStatements, type MemberBibRow, type MemberItemRow } from "../ingest/sqlite/fast-statements.ts";
import type { UnionIndexWriter } from "./index-writer.ts";
import { buildUnionDocument, type MemberBib, type MemberItem } from "./union-document.ts";

export async function libraryCodes(db: Kysely<Database>): Promise<Map<number, string>> {
  const rows = await db.selectFrom("libraries").select(["id", "code"]).execute();
  return new Map(rows.map((r) => [r.id, r.code]));
}

const FIELD_COUNT = sql.raw<number>(FIELD_COUNT_SQL);

/** The records and items of some clusters (at most a few hundred: one IN list). */
async function clusterMembers(db: Kysely<Database>, clusterIds: number[]): Promise<{ bibs: MemberBibRow[]; items: MemberItemRow[] }> {
  const fast = sqliteFastStatements(db);
  // The connection is taken as Kysely would, so no one else's transaction is open on it meanwhile.
  if (fast) return db.connection().execute(async () => fast.clusterMembers(clusterIds));
  const bibs = await db
    .selectFrom("bib_records")
    .select(["id", "cluster_id", "library_id", "data", FIELD_COUNT.as("field_count")])
    .where("cluster_id", "in", clusterIds)
    .orderBy("id")
    .execute();
  const items = bibs.length
    ? await db
        .selectFrom("items")
        .select(["bib_id", "library_id", "status", "lendable"])
        .where("bib_id", "in", bibs.map((b) => b.id))
        .execute()
    : [];
  return { bibs: bibs.map((b) => ({ ...b, cluster_id: b.cluster_id! })), items };
}

export interface ClusterDocuments {
  documents: UnionDocument[];
  /** Clusters left without records: their documents go, and so do they. */
  empty: number[];
}

/** Builds the union documents of the given clusters from the db. */
export async function buildClusterDocuments(db: Kysely<Database>, clusterIds: number[], codes?: Map<number, string>): Promise<ClusterDocuments> {
  const libraries = codes ?? (await libraryCodes(db));
  const documents: UnionDocument[] = [];
  const empty: number[] = [];
  for (const ids of chunk(clusterIds, 500)) {
    const { bibs, items } = await clusterMembers(db, ids);
    const clusterOfBib = new Map(bibs.map((b) => [b.id, b.cluster_id]));
    const membersByCluster = new Map<number, MemberBib[]>();
    if (bibs.some((b) => !libraries.has(b.library_id)) && codes) {
      // A member added since the codes were read.
      for (const [id, code] of await libraryCodes(db)) libraries.set(id, code);
    }
    for (const row of bibs) {
      const list = membersByCluster.get(row.cluster_id) ?? [];
      list.push({
        libraryCode: libraries.get(row.library_id) ?? String(row.library_id),
        bib: JSON.parse(row.data) as NormalisedBib,
        fieldCount: Number(row.field_count),
      });
      membersByCluster.set(row.cluster_id, list);
    }
    const itemsByCluster = new Map<number, MemberItem[]>();
    for (const item of items) {
      const clusterId = clusterOfBib.get(item.bib_id)!;
      const list = itemsByCluster.get(clusterId) ?? [];
      list.push({ libraryCode: libraries.get(item.library_id) ?? String(item.library_id), status: item.status, lendable: item.lendable === 1 });
      itemsByCluster.set(clusterId, list);
    }
    for (const [clusterId, members] of membersByCluster) {
      documents.push(buildUnionDocument(clusterId, members, itemsByCluster.get(clusterId) ?? []));
    }
    for (const id of ids) if (!membersByCluster.has(id)) empty.push(id);
  }
  return { documents, empty };
}

/** Writes documents and removals to the index, then drops the clusters that no longer have records. */
export async function writeClusterDocuments(db: Kysely<Database>, writer: UnionIndexWriter, built: ClusterDocuments): Promise<void> {
  if (built.documents.length) await writer.replace(built.documents);
  if (built.empty.length) {
    await writer.remove(built.empty.map(String));
    for (const ids of chunk(built.empty, 500)) await db.deleteFrom("clusters").where("id", "in", ids).execute();
  }
}

/**
 * Rebuilds the union documents of the given clusters from the db and writes them to the index in
 * one go: Meilisearch spends markedly less per document on a few large tasks than on many small ones.
 */
export async function indexClusters(db: Kysely<Database>, writer: UnionIndexWriter, clusterIds: number[]): Promise<void> {
  await writeClusterDocuments(db, writer, await buildClusterDocuments(db, clusterIds));
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
