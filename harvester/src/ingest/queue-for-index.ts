import type { Transaction } from "kysely";
import { nowIso, type Database } from "@interlend/db";
import { chunk } from "./chunk.ts";
import type { SqliteFastStatements } from "./sqlite/fast-statements.ts";

let lastStamp = "";

/**
 * A queued_at later than any this process gave before: whoever indexes a cluster deletes its outbox
 * row only while the row still carries the stamp it read, so two queueings must never share one.
 */
export function nextQueueStamp(): string {
  let stamp = nowIso();
  if (stamp <= lastStamp) stamp = new Date(Date.parse(lastStamp) + 1).toISOString();
  lastStamp = stamp;
  return stamp;
}

/**
 * Puts clusters in the index outbox, in the caller's transaction, so the index catches up later.
 * Returns the queued_at the rows got.
 */
export async function queueForIndex(trx: Transaction<Database>, clusterIds: Iterable<number>, fast?: SqliteFastStatements): Promise<string> {
  const now = nextQueueStamp();
  if (fast) {
    fast.queueForIndex(new Set(clusterIds), now);
    return now;
  }
  const rows = [...new Set(clusterIds)].map((cluster_id) => ({ cluster_id, queued_at: now }));
  for (const part of chunk(rows, 1000)) {
    await trx
      .insertInto("index_outbox")
      .values(part)
      .onConflict((oc) => oc.column("cluster_id").doUpdateSet({ queued_at: now }))
      .execute();
  }
  return now;
}
