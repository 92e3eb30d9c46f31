import type { Kysely } from "kysely";

/**
 * A member's own opening hours, closed weekdays and closed dates (holidays, moves), as JSON; null
 * = the pod's default (Mon–Fri 09–17). The expiry job counts a lender's response window in them.
 */
export function openingHoursMigration() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable("libraries").addColumn("opening_hours", "text").execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable("libraries").dropColumn("opening_hours").execute();
    },
  };
}
