import type { Transaction } from "kysely";
import { nowIso, type Database } from "@interlend/db";
import { chunk } from "./chunk.ts";

/** Puts clusters in the index outbox, in the caller's transaction, so the index catches up later. */
export async function queueForIndex(trx: Transaction<Database>, clusterIds: Iterable<number>): Promise<void> {
  const now = nowIso();
  const rows = [...new Set(clusterIds)].map((cluster_id) => ({ cluster_id, queued_at: now }));
  for (const part of chunk(rows, 1000)) {
    await trx
      .insertInto("index_outbox")
      .values(part)
      .onConflict((oc) => oc.column("cluster_id").doUpdateSet({ queued_at: now }))
      .execute();
  }
}
