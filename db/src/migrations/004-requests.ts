import type { Kysely } from "kysely";
import type { Dialect } from "../connect.ts";

/**
 * Requests: the notification outbox, and the indexes placing, the queues and the scheduled jobs
 * use (copies promised per title and lender, a member's requests today, requests by state).
 */
export function requestsMigration(dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const table = db.schema.createTable("notification_outbox");
      await (dialect === "postgres"
        ? table.addColumn("id", "serial", (c) => c.primaryKey())
        : table.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement()))
        .addColumn("kind", "text", (c) => c.notNull())
        .addColumn("request_id", "integer", (c) => c.references("requests.id").onDelete("set null"))
        .addColumn("recipient", "text", (c) => c.notNull())
        .addColumn("audience", "text", (c) => c.notNull())
        .addColumn("subject", "text", (c) => c.notNull())
        .addColumn("body", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull().defaultTo("pending"))
        .addColumn("attempts", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("last_error", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("claimed_at", "text")
        .addColumn("sent_at", "text")
        .execute();
      await db.schema.createIndex("notification_outbox_status").on("notification_outbox").columns(["status", "id"]).execute();

      await db.schema.createIndex("requests_cluster_state").on("requests").columns(["cluster_id", "state", "lender_library_id"]).execute();
      await db.schema.createIndex("requests_borrower_created").on("requests").columns(["borrower_library_id", "created_at"]).execute();
      await db.schema.createIndex("requests_state_updated").on("requests").columns(["state", "updated_at"]).execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const index of ["requests_state_updated", "requests_borrower_created", "requests_cluster_state"]) {
        await db.schema.dropIndex(index).ifExists().execute();
      }
      await db.schema.dropTable("notification_outbox").ifExists().execute();
    },
  };
}
