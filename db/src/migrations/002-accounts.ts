import { sql, type Kysely } from "kysely";
import type { Dialect } from "../connect.ts";

/**
 * Accounts: API clients (bearer tokens for members' own systems), case-insensitive unique staff
 * emails, and the indexes that session look-up and purging need.
 */
export function accountsMigration(dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const table = db.schema.createTable("api_clients");
      await (dialect === "postgres"
        ? table.addColumn("id", "serial", (c) => c.primaryKey())
        : table.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement()))
        .addColumn("library_id", "integer", (c) => c.notNull().references("libraries.id").onDelete("cascade"))
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("token_hash", "text", (c) => c.notNull().unique())
        .addColumn("scopes", "text", (c) => c.notNull().defaultTo("[]"))
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("revoked_at", "text")
        .execute();
      await db.schema.createIndex("api_clients_library").on("api_clients").column("library_id").execute();

      // Emails are stored lower-cased by the accounts module; the expression index makes the
      // database refuse "Ann@x" next to "ann@x" even if a row is written some other way.
      await sql`update users set email = lower(email)`.execute(db);
      await db.schema.createIndex("users_email_lower").on("users").unique().expression(sql`lower(email)`).execute();

      await db.schema.createIndex("sessions_expires").on("sessions").column("expires_at").execute();
      await db.schema.createIndex("sessions_user").on("sessions").column("user_id").execute();
      await db.schema.createIndex("sessions_patron").on("sessions").column("patron_id").execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const index of ["sessions_patron", "sessions_user", "sessions_expires", "users_email_lower"]) {
        await db.schema.dropIndex(index).ifExists().execute();
      }
      await db.schema.dropTable("api_clients").ifExists().execute();
    },
  };
}
