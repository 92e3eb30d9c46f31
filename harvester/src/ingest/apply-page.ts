import type { Kysely, Transaction } from "kysely";
import { nowIso, recordRejected, recordRunProgress, type Database, type RunCounts } from "@interlend/db";
import { UnionFind } from "../cluster/union-find.ts";
import type { Checkpoint } from "../sources/types.ts";
import { chunk } from "./chunk.ts";
import type { PreparedPage, PreparedUpsert } from "./prepare.ts";

type Trx = Transaction<Database>;

export interface IngestTarget {
  db: Kysely<Database>;
  libraryId: number;
  sourceId: number;
  runId: number;
}

interface ExistingBib {
  id: number;
  local_id: string;
  content_hash: string;
  cluster_id: number | null;
}

const LOOKUP_CHUNK = 500;
const INSERT_CHUNK = 200;

async function loadExisting(trx: Trx, sourceId: number, localIds: string[]): Promise<Map<string, ExistingBib>> {
  const existing = new Map<string, ExistingBib>();
  for (const ids of chunk(localIds, LOOKUP_CHUNK)) {
    const rows = await trx
      .selectFrom("bib_records")
      .select(["id", "local_id", "content_hash", "cluster_id"])
      .where("source_id", "=", sourceId)
      .where("local_id", "in", ids)
      .execute();
    for (const row of rows) existing.set(row.local_id, row);
  }
  return existing;
}

async function clustersOfKeys(trx: Trx, keys: string[]): Promise<Map<string, number[]>> {
  const byKey = new Map<string, number[]>();
  for (const part of chunk(keys, LOOKUP_CHUNK)) {
    const rows = await trx
      .selectFrom("match_keys")
      .innerJoin("bib_records", "bib_records.id", "match_keys.bib_id")
      .select(["match_keys.key", "bib_records.cluster_id"])
      .where("match_keys.key", "in", part)
      .where("bib_records.cluster_id", "is not", null)
      .distinct()
      .execute();
    for (const row of rows) {
      const list = byKey.get(row.key) ?? [];
      list.push(row.cluster_id!);
      byKey.set(row.key, list);
    }
  }
  return byKey;
}

async function createClusters(trx: Trx, count: number): Promise<number[]> {
  const ids: number[] = [];
  const now = nowIso();
  for (const part of chunk(Array.from({ length: count }), 500)) {
    const rows = await trx
      .insertInto("clusters")
      .values(part.map(() => ({ created_at: now, updated_at: now })))
      .returning("id")
      .execute();
    ids.push(...rows.map((r) => r.id));
  }
  return ids;
}

/**
 * Decides each record's cluster: records sharing a strong key join the cluster already holding it;
 * a record whose keys reach several clusters merges them into the oldest.
 */
async function assignClusters(
  trx: Trx,
  upserts: PreparedUpsert[],
  touched: Set<number>,
): Promise<Map<string, number>> {
  const allKeys = [...new Set(upserts.flatMap((u) => u.keys))];
  const existingByKey = await clustersOfKeys(trx, allKeys);
  const sets = new UnionFind();
  upserts.forEach((upsert, i) => {
    sets.find(`r:${i}`);
    for (const key of upsert.keys) {
      sets.union(`r:${i}`, `k:${key}`);
      for (const clusterId of existingByKey.get(key) ?? []) sets.union(`k:${key}`, `c:${clusterId}`);
    }
  });
  const clustersByRoot = new Map<string, Set<number>>();
  for (const clusterIds of existingByKey.values()) {
    for (const clusterId of clusterIds) {
      const root = sets.find(`c:${clusterId}`);
      const set = clustersByRoot.get(root) ?? new Set<number>();
      set.add(clusterId);
      clustersByRoot.set(root, set);
    }
  }
  const roots = upserts.map((_, i) => sets.find(`r:${i}`));
  const rootsNeedingCluster = [...new Set(roots.filter((root) => !clustersByRoot.has(root)))];
  const fresh = await createClusters(trx, rootsNeedingCluster.length);
  const targetByRoot = new Map<string, number>();
  rootsNeedingCluster.forEach((root, i) => targetByRoot.set(root, fresh[i]!));
  for (const [root, clusterIds] of clustersByRoot) {
    const [target, ...merged] = [...clusterIds].sort((a, b) => a - b);
    targetByRoot.set(root, target!);
    touched.add(target!);
    if (merged.length > 0) {
      await trx.updateTable("bib_records").set({ cluster_id: target! }).where("cluster_id", "in", merged).execute();
      await trx.deleteFrom("clusters").where("id", "in", merged).execute();
      for (const id of merged) touched.add(id);
    }
  }
  const clusterOf = new Map<string, number>();
  upserts.forEach((upsert, i) => {
    const target = targetByRoot.get(roots[i]!)!;
    clusterOf.set(upsert.localId, target);
    touched.add(target);
  });
  return clusterOf;
}

function bibRow(target: IngestTarget, upsert: PreparedUpsert, clusterId: number, now: string) {
  return {
    library_id: target.libraryId,
    source_id: target.sourceId,
    local_id: upsert.localId,
    cluster_id: clusterId,
    title: upsert.bib.title,
    data: JSON.stringify(upsert.bib),
    marc: upsert.marcJson,
    content_hash: upsert.contentHash,
    datestamp: upsert.datestamp,
    updated_at: now,
  };
}

async function writeKeysAndItems(trx: Trx, target: IngestTarget, written: Array<{ id: number; upsert: PreparedUpsert }>) {
  const keyRows = written.flatMap(({ id, upsert }) => upsert.keys.map((key) => ({ bib_id: id, key })));
  for (const part of chunk(keyRows, 1000)) await trx.insertInto("match_keys").values(part).execute();
  const itemRows = written.flatMap(({ id, upsert }) =>
    upsert.items.map((item) => ({
      bib_id: id,
      library_id: target.libraryId,
      barcode: item.barcode ?? null,
      call_number: item.callNumber ?? null,
      location: item.location ?? null,
      status: item.status,
      due_date: item.dueDate ?? null,
      lendable: item.lendable ? 1 : 0,
      loan_type: item.loanType,
    })),
  );
  for (const part of chunk(itemRows, 500)) await trx.insertInto("items").values(part).execute();
}

async function queueForIndex(trx: Trx, clusterIds: Iterable<number>): Promise<void> {
  const now = nowIso();
  const rows = [...clusterIds].map((cluster_id) => ({ cluster_id, queued_at: now }));
  for (const part of chunk(rows, 1000)) {
    await trx
      .insertInto("index_outbox")
      .values(part)
      .onConflict((oc) => oc.column("cluster_id").doUpdateSet({ queued_at: now }))
      .execute();
  }
}

/**
 * Writes one page of records, its rejections, the run's counts and the checkpoint in ONE
 * transaction: after a crash the run resumes exactly after the last page that committed.
 */
export async function applyPage(
  target: IngestTarget,
  page: PreparedPage,
  countsBefore: RunCounts,
  checkpoint: Checkpoint,
): Promise<RunCounts> {
  return target.db.transaction().execute(async (trx) => {
    const counts = { ...countsBefore };
    counts.seen += page.upserts.length + page.deletes.length + page.rejected.length;
    counts.rejected += page.rejected.length;
    const existing = await loadExisting(trx, target.sourceId, [
      ...page.upserts.map((u) => u.localId),
      ...page.deletes.map((d) => d.localId),
    ]);
    const touched = new Set<number>();

    const doomed = page.deletes.flatMap((d) => existing.get(d.localId) ?? []);
    for (const bib of doomed) if (bib.cluster_id !== null) touched.add(bib.cluster_id);
    for (const ids of chunk(doomed.map((b) => b.id), LOOKUP_CHUNK)) {
      await trx.deleteFrom("bib_records").where("id", "in", ids).execute();
    }
    counts.deleted += doomed.length;

    const changed = page.upserts.filter((u) => {
      const old = existing.get(u.localId);
      return !old || old.content_hash !== u.contentHash;
    });
    const replacedIds = changed.flatMap((u) => existing.get(u.localId)?.id ?? []);
    for (const ids of chunk(replacedIds, LOOKUP_CHUNK)) {
      await trx.deleteFrom("match_keys").where("bib_id", "in", ids).execute();
      await trx.deleteFrom("items").where("bib_id", "in", ids).execute();
    }
    for (const u of changed) {
      const oldCluster = existing.get(u.localId)?.cluster_id;
      if (oldCluster != null) touched.add(oldCluster);
    }

    const clusterOf = await assignClusters(trx, changed, touched);
    const now = nowIso();
    const written: Array<{ id: number; upsert: PreparedUpsert }> = [];
    const fresh = changed.filter((u) => !existing.has(u.localId));
    for (const part of chunk(fresh, INSERT_CHUNK)) {
      const rows = await trx
        .insertInto("bib_records")
        .values(part.map((u) => bibRow(target, u, clusterOf.get(u.localId)!, now)))
        .returning(["id", "local_id"])
        .execute();
      const byLocalId = new Map(part.map((u) => [u.localId, u]));
      for (const row of rows) written.push({ id: row.id, upsert: byLocalId.get(row.local_id)! });
    }
    for (const u of changed) {
      const old = existing.get(u.localId);
      if (!old) continue;
      await trx.updateTable("bib_records").set(bibRow(target, u, clusterOf.get(u.localId)!, now)).where("id", "=", old.id).execute();
      written.push({ id: old.id, upsert: u });
    }
    counts.added += fresh.length;
    counts.updated += changed.length - fresh.length;

    await writeKeysAndItems(trx, target, written);
    await queueForIndex(trx, touched);
    await recordRejected(trx, target.runId, page.rejected);
    await recordRunProgress(trx, target.runId, counts, checkpoint);
    return counts;
  });
}
