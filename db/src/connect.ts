import { mkdirSync } from "node:fs";
import path from "node:path";
import SqliteDatabase from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect } from "kysely";
import pg from "pg";
import type { Database } from "./schema.ts";

export type Dialect = "sqlite" | "postgres";

export interface DatabaseOptions {
  /** postgres:// URL; when absent, SQLite at sqlitePath. */
  databaseUrl?: string;
  sqlitePath?: string;
  /** PostgreSQL schema to use (tests isolate themselves in a schema of their own). */
  pgSchema?: string;
  poolSize?: number;
}

export interface DatabaseHandle {
  db: Kysely<Database>;
  dialect: Dialect;
  /** PostgreSQL schema the tables live in (search_path); undefined on SQLite. */
  schema?: string;
  close(): Promise<void>;
}

// COUNT(*) and other bigint results arrive as strings by default; our counts fit in a JS number.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number.parseInt(value, 10));

function openPostgres(options: DatabaseOptions & { databaseUrl: string }): DatabaseHandle {
  const pool = new pg.Pool({
    connectionString: options.databaseUrl,
    max: options.poolSize ?? 10,
    options: options.pgSchema ? `-c search_path=${options.pgSchema}` : undefined,
    connectionTimeoutMillis: 5_000,
  });
  // An idle client losing its connection (server restart) must not crash the process.
  pool.on("error", () => undefined);
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: "postgres", schema: options.pgSchema ?? "public", close: () => db.destroy() };
}

function openSqlite(file: string): DatabaseHandle {
  if (file !== ":memory:") mkdirSync(path.dirname(file), { recursive: true });
  const sqlite = new SqliteDatabase(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = NORMAL");
  sqlite.pragma("foreign_keys = ON");
  sqlite.pragma("busy_timeout = 5000");
  sqlite.pragma("cache_size = -65536");
  // Checkpoint every ~40 MB of WAL rather than every 4 MB: a bulk load's pages rewrite the same
  // index pages again and again, and each checkpoint copies (and syncs) them once more.
  sqlite.pragma("wal_autocheckpoint = 10000");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: keepingStatements(sqlite) }) });
  sqliteConnections.set(db, sqlite);
  return { db, dialect: "sqlite", close: () => db.destroy() };
}

/**
 * The connection as Kysely sees it, with prepared statements kept (least recently used dropped
 * past `size`): Kysely prepares every query afresh, and for the small queries most routes make,
 * preparing costs more than running. Safe because Kysely runs one query at a time on the
 * connection and nothing here streams (an iterating statement could not be reused meanwhile).
 */
function keepingStatements(sqlite: SqliteDatabase.Database, size = 500) {
  const statements = new Map<string, SqliteDatabase.Statement>();
  return {
    close: () => sqlite.close(),
    prepare(sql: string): SqliteDatabase.Statement {
      let statement = statements.get(sql);
      if (statement) {
        statements.delete(sql);
      } else {
        statement = sqlite.prepare(sql);
        if (statements.size >= size) statements.delete(statements.keys().next().value!);
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}

const sqliteConnections = new WeakMap<Kysely<Database>, SqliteDatabase.Database>();

/**
 * The better-sqlite3 connection behind a SQLite Kysely instance (the only one it has), for the few
 * hot paths that keep their own prepared statements; undefined on PostgreSQL.
 */
export function sqliteConnectionOf(db: Kysely<Database>): SqliteDatabase.Database | undefined {
  return sqliteConnections.get(db);
}

export function openDatabase(options: DatabaseOptions): DatabaseHandle {
  if (options.databaseUrl) return openPostgres({ ...options, databaseUrl: options.databaseUrl });
  if (!options.sqlitePath) throw new Error("openDatabase: either databaseUrl or sqlitePath is required");
  return openSqlite(options.sqlitePath);
}
