import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { migrateToLatest, openDatabase, type DatabaseHandle, type Dialect } from "@interlend/db";

export const POSTGRES_URL = process.env.DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";
const IN_CI = process.env.CI === "true";

async function postgresReachable(): Promise<string | undefined> {
  const client = new pg.Client({ connectionString: POSTGRES_URL, connectionTimeoutMillis: 3_000 });
  try {
    await client.connect();
    await client.query("select 1");
    return undefined;
  } catch (error) {
    return (error as Error).message;
  } finally {
    await client.end().catch(() => undefined);
  }
}

let postgresProblem: Promise<string | undefined> | undefined;

/**
 * Whether the PostgreSQL suites run. Absent PostgreSQL is a loud skip on a developer machine and a
 * failure under CI=true: CI must never silently skip a dialect.
 */
export async function postgresAvailable(): Promise<boolean> {
  postgresProblem ??= postgresReachable();
  const problem = await postgresProblem;
  if (!problem) return true;
  const message = `PostgreSQL at ${POSTGRES_URL} is not reachable (${problem})`;
  if (IN_CI) throw new Error(`${message}; CI=true requires PostgreSQL (.ci/run starts it)`);
  console.warn(`\n!!! SKIPPING PostgreSQL tests: ${message}. Start PostgreSQL or set DATABASE_URL.\n`);
  return false;
}

export interface TestDatabase extends DatabaseHandle {
  /** Drops the schema / deletes the file. */
  dispose(): Promise<void>;
  /** How to open the same database again (e.g. from a child process). */
  env: Record<string, string>;
}

/** A fresh, migrated database of the given dialect, isolated from every other test. */
export async function createTestDatabase(dialect: Dialect): Promise<TestDatabase> {
  if (dialect === "postgres") {
    const schema = `t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
    const admin = new pg.Client({ connectionString: POSTGRES_URL });
    await admin.connect();
    await admin.query(`create schema ${schema}`);
    await admin.end();
    const handle = openDatabase({ databaseUrl: POSTGRES_URL, pgSchema: schema });
    await migrateToLatest(handle);
    return {
      ...handle,
      env: { DATABASE_URL: POSTGRES_URL, PG_SCHEMA: schema },
      async dispose() {
        await handle.close();
        const cleanup = new pg.Client({ connectionString: POSTGRES_URL });
        await cleanup.connect();
        await cleanup.query(`drop schema if exists ${schema} cascade`);
        await cleanup.end();
      },
    };
  }
  const dir = mkdtempSync(path.join(os.tmpdir(), "interlend-db-"));
  const file = path.join(dir, "test.sqlite");
  const handle = openDatabase({ sqlitePath: file });
  await migrateToLatest(handle);
  return {
    ...handle,
    env: { SQLITE_PATH: file },
    async dispose() {
      await handle.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const DIALECTS: Dialect[] = ["sqlite", "postgres"];
