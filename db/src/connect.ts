import { mkdirSync } from "node:fs";
import path from "node:path";
import SqliteDatabase from "better-sqlite3";
import { Kysely, PostgresDialect, SqliteDialect, type PostgresPool, type PostgresPoolClient } from "kysely";
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
  // A client losing its connection (server restart) must not crash the process: idle ones report
  // to the pool; one checked out between two statements of a transaction emits on itself, and its
  // next statement fails (a clean 503) instead.
  pool.on("error", () => undefined);
  pool.on("connect", (client) => client.on("error", () => undefined));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: namingStatements(pool) }) });
  return { db, dialect: "postgres", schema: options.pgSchema ?? "public", close: () => db.destroy() };
}

/** Statements worth keeping prepared: the queries themselves, not transaction control or DDL. */
const PREPARABLE = /^\s*(select|insert|update|delete|with)\b/i;
/**
 * `select *`, `t.*`, `returning *`: a prepared statement's result columns are fixed when it is
 * prepared, so once a migration adds a column it would fail ("cached plan must not change result
 * type") on every connection that prepared it. These stay unnamed.
 */
const ALL_COLUMNS = /(?:^|[\s,.])\*(?:[\s,)]|$)/;
/** Longer texts (bulk inserts) are sent unnamed: running them costs far more than parsing, and each would hold a big statement. */
const MAX_PREPARED_LENGTH = 4_000;

/**
 * The pool as Kysely sees it, with its queries sent as named (prepared) statements: PostgreSQL then
 * parses and analyses each distinct text once per connection instead of on every call, which is
 * most of its work for the small queries the routes make (it still chooses a plan per call until a
 * generic one proves no worse). Only the first `limit` distinct texts get names, so a process
 * sending ever new texts (IN lists of every length) cannot make connections hold statements
 * without bound.
 */
function namingStatements(pool: pg.Pool, limit = 500): PostgresPool {
  const names = new Map<string, string>();
  const nameOf = (text: string): string | undefined => {
    let name = names.get(text);
    if (name === undefined && names.size < limit && text.length <= MAX_PREPARED_LENGTH && PREPARABLE.test(text) && !ALL_COLUMNS.test(text)) {
      names.set(text, (name = `interlend_${names.size + 1}`));
    }
    return name;
  };
  const clients = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  const wrap = (client: pg.PoolClient): PostgresPoolClient => {
    const query = (textOrCursor: string | pg.Submittable, values?: readonly unknown[]) => {
      if (typeof textOrCursor !== "string") return client.query(textOrCursor); // a cursor: streamed as is
      return client.query({ name: nameOf(textOrCursor), text: textOrCursor, values: values && [...values] });
    };
    return { query: query as unknown as PostgresPoolClient["query"], release: () => client.release() };
  };
  return {
    async connect() {
      const client = await pool.connect();
      let wrapped = clients.get(client);
      if (!wrapped) clients.set(client, (wrapped = wrap(client)));
      return wrapped;
    },
    end: () => pool.end(),
  };
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
