import type { Kysely } from "kysely";
import { recountLenderDailySends } from "../requests.ts";

/**
 * Requests sent to each lender per UTC day, bumped with each "sent" event. The ranking's last
 * tie-break (fewest sent today) read today's events, a count that grew with every placement of
 * the day; it reads one row per candidate lender now. Filled from the events already there.
 */
export function lenderDailySendsMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable("lender_daily_sends")
        .addColumn("lender_library_id", "integer", (c) => c.notNull())
        .addColumn("day", "text", (c) => c.notNull())
        .addColumn("sent", "integer", (c) => c.notNull())
        .addPrimaryKeyConstraint("lender_daily_sends_pk", ["lender_library_id", "day"])
        .execute();
      await recountLenderDailySends(db);
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable("lender_daily_sends").ifExists().execute();
    },
  };
}
