import type { Kysely } from "kysely";
import type { Dialect } from "../connect.ts";

/**
 * Lender figures: imported turnaround history (so a new pod does not start blind) and the indexes
 * the lender-stats queries use on request_events.
 */
export function lendingHistoryMigration(dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const table = db.schema.createTable("lending_history");
      await (
        dialect === "postgres"
          ? table.addColumn("id", "serial", (c) => c.primaryKey())
          : table.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement())
      )
        .addColumn("lender_code", "text", (c) => c.notNull())
        .addColumn("borrower_code", "text", (c) => c.notNull())
        .addColumn("requested_at", "text", (c) => c.notNull())
        .addColumn("shipped_at", "text")
        .addColumn("filled", "integer", (c) => c.notNull())
        /** The transaction id from the file, or its fields joined: a re-import adds nothing twice. */
        .addColumn("source_key", "text", (c) => c.notNull().unique())
        .addColumn("imported_at", "text", (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex("lending_history_requested")
        .on("lending_history")
        .column("requested_at")
        .execute();

      // Lender figures scan a window of events by time; the ranking's tie-break counts today's
      // "sent" events per lender.
      await db.schema.createIndex("request_events_at").on("request_events").column("at").execute();
      await db.schema
        .createIndex("request_events_state_at")
        .on("request_events")
        .columns(["to_state", "at", "lender_library_id"])
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex("request_events_state_at").ifExists().execute();
      await db.schema.dropIndex("request_events_at").ifExists().execute();
      await db.schema.dropTable("lending_history").ifExists().execute();
    },
  };
}
