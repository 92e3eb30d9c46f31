import { sql, type Kysely } from "kysely";

/**
 * Placing checks a patron's open requests (how many, and whether one is for this title) on every
 * placement. With only requests_patron and requests_state_updated, both SQLite and PostgreSQL
 * chose the state index after an ANALYZE that saw few open requests, then walked every open
 * request in the pod. requests_patron_state answers the check from the patron's own entries alone.
 *
 * Placing also counts the copies of a title already promised (requests in state sent per lender).
 * The same statistics made PostgreSQL read every sent request through requests_state_updated
 * instead of requests_cluster_state; the small partial index of sent requests by title is what
 * both planners take now.
 */
export function requestPlacingMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.createIndex("requests_patron_state").on("requests").columns(["patron_id", "state", "cluster_id"]).execute();
      await db.schema
        .createIndex("requests_sent_by_cluster")
        .on("requests")
        .columns(["cluster_id", "lender_library_id"])
        .where(sql.ref("state"), "=", "sent")
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex("requests_sent_by_cluster").ifExists().execute();
      await db.schema.dropIndex("requests_patron_state").ifExists().execute();
    },
  };
}
