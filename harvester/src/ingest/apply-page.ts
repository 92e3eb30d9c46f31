import type { Kysely, Transaction } from "kysely";
import { nowIso, recordRejected, recordRunProgress, type Database, type RunCounts } from "@interlend/db";
import { assignClusters } from "../cluster/assign-clusters.ts";
import { splitClusters } from "../cluster/split-clusters.ts";
import type { UnionDocument } from "@interlend/core/meili/union-index";
import { buildUnionDocument, type MemberBib, type MemberItem } from "../indexer/union-document.ts";
import type { Checkpoint } from "../sources/types.ts";
import { chunk } from "./chunk.ts";
import { queueForIndex } from "./queue-for-index.ts";
import type { PreparedPage, PreparedUpsert } from "./prepare.ts";
import { sqliteFastStatements, type SqliteFastStatements } from "./sqlite/fast-statements.ts";

type Trx = Transaction<Database>;

export interface IngestTarget {
  db: Kysely<Database>;
  libraryId: number;
  sourceId: number;
  runId: number;
  /** The member's code: with it, the page's new clusters get their union documents built here. */
  libraryCode?: string;
}

/** What the index needs after a page committed (filled in by applyPage). */
export interface PageIndexWork {
  /** Documents of the clusters the page created: every record in them is one the page wrote. */
  documents: UnionDocument[];
  /** The other clusters the page queued; their documents are rebuilt from the db. */
  clusterIds: number[];
  /** The queued_at of the page's outbox rows. */
  queuedAt: string;
}

interface ExistingBib {
  id: number;
  local_id: string;
  content_hash: string;
  cluster_id: number | null;
}

const LOOKUP_CHUNK = 500;
const INSERT_CHUNK = 200;

async function loadExisting(trx: Trx, sourceId: number, localIds: string[], fast?: SqliteFastStatements): Promise<Map<string, ExistingBib>> {
  const existing = new Map<string, ExistingBib>();
  if (fast) {
    for (const row of fast.existingBibs(sourceId, localIds)) existing.set(row.local_id, row);
    return existing;
  }
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

function bibRow(target: IngestTarget, upsert: PreparedUpsert, clusterId: number, now: string) {
  return {
    library_id: target.libraryId,
    source_id: target.sourceId,
    local_id: upsert.localId,
    cluster_id: clusterId,
    title: upsert.bib.title,
    data: upsert.dataJson,
    marc: upsert.marcJson,
    content_hash: upsert.contentHash,
    datestamp: upsert.datestamp,
    updated_at: now,
  };
}

async function writeKeysAndItems(trx: Trx, target: IngestTarget, written: Array<{ id: number; upsert: PreparedUpsert }>, fast?: SqliteFastStatements) {
  const keyRows = written.flatMap(({ id, upsert }) =>
    [...upsert.keys, ...(upsert.workKey ? [upsert.workKey] : [])].map((key) => ({ bib_id: id, key })),
  );
  if (fast) fast.insertKeys(keyRows);
  else for (const part of chunk(keyRows, 1000)) await trx.insertInto("match_keys").values(part).execute();
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
  if (fast) fast.insertItems(itemRows);
  else for (const part of chunk(itemRows, 500)) await trx.insertInto("items").values(part).execute();
}

/**
 * Union documents of the clusters this page created, from the page's own records: nothing else can
 * be in them (a new cluster holds only records the page assigned to it), so the db would give the
 * same. Members in the order the page inserted them, which is the order of their ids.
 */
function newClusterDocuments(
  libraryCode: string,
  written: Array<{ id: number; upsert: PreparedUpsert }>,
  clusterOf: Map<string, number>,
  created: Set<number>,
): Map<number, UnionDocument> {
  const members = new Map<number, { bibs: MemberBib[]; items: MemberItem[] }>();
  for (const { upsert: u } of [...written].sort((a, b) => a.id - b.id)) {
    const clusterId = clusterOf.get(u.localId)!;
    if (!created.has(clusterId)) continue;
    let entry = members.get(clusterId);
    if (!entry) members.set(clusterId, (entry = { bibs: [], items: [] }));
    entry.bibs.push({ libraryCode, bib: u.bib, fieldCount: u.fieldCount });
    for (const item of u.items) entry.items.push({ libraryCode, status: item.status, lendable: item.lendable });
  }
  const documents = new Map<number, UnionDocument>();
  for (const [clusterId, entry] of members) documents.set(clusterId, buildUnionDocument(clusterId, entry.bibs, entry.items));
  return documents;
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
  indexWork?: PageIndexWork,
): Promise<RunCounts> {
  const fast = sqliteFastStatements(target.db);
  return target.db.transaction().execute(async (trx) => {
    const counts = { ...countsBefore };
    counts.seen += page.upserts.length + page.deletes.length + page.rejected.length;
    counts.rejected += page.rejected.length;
    const existing = await loadExisting(trx, target.sourceId, [
      ...page.upserts.map((u) => u.localId),
      ...page.deletes.map((d) => d.localId),
    ], fast);
    const touched = new Set<number>();
    /** Clusters that lost or changed a record: they may fall apart. */
    const shaken = new Set<number>();

    const doomed = page.deletes.flatMap((d) => existing.get(d.localId) ?? []);
    for (const bib of doomed) if (bib.cluster_id !== null) shaken.add(bib.cluster_id);
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
      if (oldCluster != null) shaken.add(oldCluster);
    }

    const created = new Set<number>();
    const clusterOf = await assignClusters(
      trx,
      changed.map((u) => ({ localId: u.localId, strongKeys: u.keys, workKey: u.workKey })),
      touched,
      created,
      fast,
    );
    const now = nowIso();
    const written: Array<{ id: number; upsert: PreparedUpsert }> = [];
    const fresh = changed.filter((u) => !existing.has(u.localId));
    if (fast) {
      for (const u of fresh) written.push({ id: fast.insertBib(bibRow(target, u, clusterOf.get(u.localId)!, now)), upsert: u });
    } else for (const part of chunk(fresh, INSERT_CHUNK)) {
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

    await writeKeysAndItems(trx, target, written, fast);
    for (const id of shaken) touched.add(id);
    for (const id of await splitClusters(trx, shaken)) touched.add(id);
    const queuedAt = touched.size ? await queueForIndex(trx, touched, fast) : "";
    await recordRejected(trx, target.runId, page.rejected);
    await recordRunProgress(trx, target.runId, counts, checkpoint);
    if (indexWork) {
      const direct = target.libraryCode === undefined ? new Map<number, UnionDocument>() : newClusterDocuments(target.libraryCode, written, clusterOf, created);
      indexWork.documents = [...direct.values()];
      indexWork.clusterIds = [...touched].filter((id) => !direct.has(id));
      indexWork.queuedAt = queuedAt;
    }
    return counts;
  });
}
