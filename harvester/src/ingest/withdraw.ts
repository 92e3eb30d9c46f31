import type { Kysely } from "kysely";
import type { Database } from "@interlend/db";
import { splitClusters } from "../cluster/split-clusters.ts";
import { chunk } from "./chunk.ts";
import { queueForIndex } from "./queue-for-index.ts";

/**
 * Removes every record (and so every copy) a source or a whole member contributed, in one
 * transaction: the clusters they were in are re-split where needed and queued for the index.
 */
export async function withdrawRecords(db: Kysely<Database>, scope: { sourceId: number } | { libraryId: number }): Promise<number> {
  return db.transaction().execute(async (trx) => {
    const bibs = await trx
      .selectFrom("bib_records")
      .select(["id", "cluster_id"])
      .$call((q) => ("sourceId" in scope ? q.where("source_id", "=", scope.sourceId) : q.where("library_id", "=", scope.libraryId)))
      .execute();
    const shaken = new Set(bibs.flatMap((b) => (b.cluster_id === null ? [] : [b.cluster_id])));
    for (const ids of chunk(bibs.map((b) => b.id), 500)) await trx.deleteFrom("bib_records").where("id", "in", ids).execute();
    const created = await splitClusters(trx, shaken);
    await queueForIndex(trx, [...shaken, ...created]);
    return bibs.length;
  });
}
