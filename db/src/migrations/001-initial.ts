import { type Kysely, type CreateTableBuilder } from "kysely";
import type { Dialect } from "../connect.ts";

/** An auto-numbered integer primary key in the dialect's own idiom. */
function withId<T extends string>(table: CreateTableBuilder<T, never>, dialect: Dialect) {
  return dialect === "postgres"
    ? table.addColumn("id", "serial", (c) => c.primaryKey())
    : table.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement());
}

export function initialMigration(dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await withId(db.schema.createTable("libraries"), dialect)
        .addColumn("code", "text", (c) => c.notNull().unique())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("timezone", "text", (c) => c.notNull().defaultTo("UTC"))
        .addColumn("latitude", "real")
        .addColumn("longitude", "real")
        .addColumn("contact_email", "text")
        .addColumn("suspended_until", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .execute();

      await withId(db.schema.createTable("sources"), dialect)
        .addColumn("library_id", "integer", (c) => c.notNull().references("libraries.id").onDelete("cascade"))
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("protocol", "text", (c) => c.notNull())
        .addColumn("endpoint", "text", (c) => c.notNull())
        .addColumn("options", "text", (c) => c.notNull().defaultTo("{}"))
        .addColumn("holdings_mapping", "text")
        .addColumn("schedule", "text")
        .addColumn("timezone", "text", (c) => c.notNull().defaultTo("UTC"))
        .addColumn("enabled", "integer", (c) => c.notNull().defaultTo(1))
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("sources_library").on("sources").column("library_id").execute();

      await withId(db.schema.createTable("harvest_runs"), dialect)
        .addColumn("source_id", "integer", (c) => c.notNull().references("sources.id").onDelete("cascade"))
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("mode", "text", (c) => c.notNull())
        .addColumn("started_at", "text", (c) => c.notNull())
        .addColumn("finished_at", "text")
        .addColumn("heartbeat_at", "text")
        .addColumn("seen", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("added", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("updated", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("deleted", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("rejected", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("checkpoint", "text")
        .addColumn("error", "text")
        .execute();
      await db.schema.createIndex("harvest_runs_source").on("harvest_runs").columns(["source_id", "started_at"]).execute();

      await withId(db.schema.createTable("rejected_records"), dialect)
        .addColumn("run_id", "integer", (c) => c.notNull().references("harvest_runs.id").onDelete("cascade"))
        .addColumn("position", "integer", (c) => c.notNull())
        .addColumn("local_id", "text")
        .addColumn("reason", "text", (c) => c.notNull())
        .addColumn("raw", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("rejected_records_run").on("rejected_records").column("run_id").execute();

      await withId(db.schema.createTable("clusters"), dialect)
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .execute();

      await withId(db.schema.createTable("bib_records"), dialect)
        .addColumn("library_id", "integer", (c) => c.notNull().references("libraries.id").onDelete("cascade"))
        .addColumn("source_id", "integer", (c) => c.notNull().references("sources.id").onDelete("cascade"))
        .addColumn("local_id", "text", (c) => c.notNull())
        .addColumn("cluster_id", "integer")
        .addColumn("title", "text", (c) => c.notNull())
        .addColumn("data", "text", (c) => c.notNull())
        .addColumn("marc", "text", (c) => c.notNull())
        .addColumn("content_hash", "text", (c) => c.notNull())
        .addColumn("datestamp", "text")
        .addColumn("updated_at", "text", (c) => c.notNull())
        .addUniqueConstraint("bib_records_source_local", ["source_id", "local_id"])
        .execute();
      await db.schema.createIndex("bib_records_cluster").on("bib_records").column("cluster_id").execute();
      await db.schema.createIndex("bib_records_library").on("bib_records").column("library_id").execute();

      await withId(db.schema.createTable("items"), dialect)
        .addColumn("bib_id", "integer", (c) => c.notNull().references("bib_records.id").onDelete("cascade"))
        .addColumn("library_id", "integer", (c) => c.notNull())
        .addColumn("barcode", "text")
        .addColumn("call_number", "text")
        .addColumn("location", "text")
        .addColumn("status", "text", (c) => c.notNull())
        .addColumn("due_date", "text")
        .addColumn("lendable", "integer", (c) => c.notNull().defaultTo(1))
        .addColumn("loan_type", "text", (c) => c.notNull().defaultTo("returnable"))
        .execute();
      await db.schema.createIndex("items_bib").on("items").column("bib_id").execute();

      await db.schema
        .createTable("match_keys")
        .addColumn("bib_id", "integer", (c) => c.notNull().references("bib_records.id").onDelete("cascade"))
        .addColumn("key", "text", (c) => c.notNull())
        .addPrimaryKeyConstraint("match_keys_pk", ["bib_id", "key"])
        .execute();
      await db.schema.createIndex("match_keys_key").on("match_keys").column("key").execute();

      await db.schema
        .createTable("index_outbox")
        .addColumn("cluster_id", "integer", (c) => c.primaryKey())
        .addColumn("queued_at", "text", (c) => c.notNull())
        .execute();

      await withId(db.schema.createTable("patrons"), dialect)
        .addColumn("library_id", "integer", (c) => c.notNull().references("libraries.id").onDelete("cascade"))
        .addColumn("card_number", "text", (c) => c.notNull())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("email", "text")
        .addColumn("pin_hash", "text", (c) => c.notNull())
        .addColumn("status", "text", (c) => c.notNull().defaultTo("active"))
        .addColumn("expires_at", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .addUniqueConstraint("patrons_library_card", ["library_id", "card_number"])
        .execute();

      await withId(db.schema.createTable("users"), dialect)
        .addColumn("email", "text", (c) => c.notNull().unique())
        .addColumn("name", "text", (c) => c.notNull())
        .addColumn("password_hash", "text", (c) => c.notNull())
        .addColumn("role", "text", (c) => c.notNull())
        .addColumn("library_id", "integer", (c) => c.references("libraries.id").onDelete("cascade"))
        .addColumn("created_at", "text", (c) => c.notNull())
        .execute();

      await db.schema
        .createTable("sessions")
        .addColumn("id", "text", (c) => c.primaryKey())
        .addColumn("user_id", "integer", (c) => c.references("users.id").onDelete("cascade"))
        .addColumn("patron_id", "integer", (c) => c.references("patrons.id").onDelete("cascade"))
        .addColumn("role", "text", (c) => c.notNull())
        .addColumn("csrf_token", "text", (c) => c.notNull())
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("expires_at", "text", (c) => c.notNull())
        .execute();

      await withId(db.schema.createTable("requests"), dialect)
        .addColumn("patron_id", "integer", (c) => c.notNull().references("patrons.id"))
        .addColumn("borrower_library_id", "integer", (c) => c.notNull().references("libraries.id"))
        .addColumn("cluster_id", "integer", (c) => c.notNull())
        .addColumn("pickup_location", "text")
        .addColumn("service_type", "text", (c) => c.notNull().defaultTo("loan"))
        .addColumn("state", "text", (c) => c.notNull())
        .addColumn("rota", "text", (c) => c.notNull())
        .addColumn("rota_position", "integer", (c) => c.notNull().defaultTo(0))
        .addColumn("lender_library_id", "integer", (c) => c.references("libraries.id"))
        .addColumn("idempotency_key", "text", (c) => c.unique())
        .addColumn("due_date", "text")
        .addColumn("created_at", "text", (c) => c.notNull())
        .addColumn("updated_at", "text", (c) => c.notNull())
        .execute();
      await db.schema.createIndex("requests_patron").on("requests").column("patron_id").execute();
      await db.schema.createIndex("requests_lender_state").on("requests").columns(["lender_library_id", "state"]).execute();

      await withId(db.schema.createTable("request_events"), dialect)
        .addColumn("request_id", "integer", (c) => c.notNull().references("requests.id").onDelete("cascade"))
        .addColumn("at", "text", (c) => c.notNull())
        .addColumn("actor", "text", (c) => c.notNull())
        .addColumn("from_state", "text")
        .addColumn("to_state", "text", (c) => c.notNull())
        .addColumn("lender_library_id", "integer")
        .addColumn("reason", "text")
        .execute();
      await db.schema.createIndex("request_events_request").on("request_events").column("request_id").execute();

      await db.schema
        .createTable("settings")
        .addColumn("key", "text", (c) => c.primaryKey())
        .addColumn("value", "text", (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      for (const table of [
        "settings", "request_events", "requests", "sessions", "users", "patrons", "index_outbox",
        "match_keys", "items", "bib_records", "clusters", "rejected_records", "harvest_runs", "sources", "libraries",
      ]) {
        await db.schema.dropTable(table).ifExists().execute();
      }
    },
  };
}
