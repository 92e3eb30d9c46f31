import type { Kysely } from "kysely";
import { nowIso, type Database } from "@interlend/db";
import {
  createMeiliUnionIndexWriter,
  ensureUnionIndex,
  waitForTask,
  type EnqueuedTask,
  type MeiliTransport,
} from "@interlend/core/meili";
import { queueForIndex } from "../ingest/queue-for-index.ts";
import { indexClusters } from "./drain-outbox.ts";

export interface ReindexProgress {
  clusters: number;
  total: number;
}

const BATCH = 2_000;

/**
 * Rebuilds the whole union index from the db into a fresh index, then swaps it in, so search
 * keeps answering from the old one until the new one is complete.
 */
export async function reindexAll(
  db: Kysely<Database>,
  transport: MeiliTransport,
  uid: string,
  onProgress?: (progress: ReindexProgress) => void,
): Promise<{ clusters: number }> {
  const startedAt = nowIso();
  const rebuildUid = `${uid}_rebuild_${Date.now()}`;
  await ensureUnionIndex(transport, rebuildUid);
  const writer = createMeiliUnionIndexWriter(transport, rebuildUid);
  const { total } = await db
    .selectFrom("clusters")
    .select((eb) => eb.fn.countAll<number>().as("total"))
    .executeTakeFirstOrThrow();
  let done = 0;
  for (let after = 0; ; ) {
    const ids = (await db.selectFrom("clusters").select("id").where("id", ">", after).orderBy("id").limit(BATCH).execute()).map((r) => r.id);
    if (ids.length === 0) break;
    await indexClusters(db, writer, ids);
    after = ids[ids.length - 1]!;
    done += ids.length;
    onProgress?.({ clusters: done, total: Number(total) });
  }
  await writer.flush();
  await ensureUnionIndex(transport, uid);
  const swap = await transport.request<EnqueuedTask>("POST", "/swap-indexes", [{ indexes: [uid, rebuildUid] }]);
  await waitForTask(transport, swap.taskUid);
  const drop = await transport.request<EnqueuedTask>("DELETE", `/indexes/${encodeURIComponent(rebuildUid)}`);
  await waitForTask(transport, drop.taskUid);
  // Records that changed while the rebuild read the db go through the outbox again.
  const changed = await db.selectFrom("bib_records").select("cluster_id").distinct().where("updated_at", ">=", startedAt).execute();
  const clusterIds = changed.flatMap((r) => (r.cluster_id === null ? [] : [r.cluster_id]));
  if (clusterIds.length) await db.transaction().execute((trx) => queueForIndex(trx, clusterIds));
  return { clusters: done };
}
