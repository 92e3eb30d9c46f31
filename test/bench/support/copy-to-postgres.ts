/**
 * Copies every table of a SQLite pod into a migrated PostgreSQL schema of the same shape: rows in
 * batches of one INSERT … SELECT FROM unnest(column arrays) each (one parameter per column, any
 * number of rows), foreign-key triggers off for the session (the rows are consistent already), then
 * the id sequences moved past the copied ids. Far faster than harvesting a million records again.
 * A copy cut short resumes with the first table that did not arrive whole.
 */
import SqliteDatabase from "better-sqlite3";
import pg from "pg";

const BATCH_ROWS = 5_000;
const SKIP = new Set(["kysely_migration", "kysely_migration_lock"]);

type Log = (line: string) => void;

interface PgColumn {
  name: string;
  /** The element type of the column's array parameter: int4, text, float4, … */
  udt: string;
}

async function postgresColumns(client: pg.Client, schema: string, table: string): Promise<PgColumn[]> {
  const { rows } = await client.query<{ column_name: string; udt_name: string }>(
    "select column_name, udt_name from information_schema.columns where table_schema = $1 and table_name = $2 order by ordinal_position",
    [schema, table],
  );
  return rows.map((r) => ({ name: r.column_name, udt: r.udt_name }));
}

async function copyTable(sqlite: SqliteDatabase.Database, client: pg.Client, schema: string, table: string): Promise<number> {
  const columns = await postgresColumns(client, schema, table);
  if (columns.length === 0) {
    // A table only the SQLite pod has (the bench's own marker): same columns, all integers or text.
    const info = sqlite.prepare(`select name, type from pragma_table_info(?)`).all(table) as Array<{ name: string; type: string }>;
    await client.query(`create table ${schema}.${table} (${info.map((c) => `${c.name} ${c.type || "text"}`).join(", ")})`);
    columns.push(...(await postgresColumns(client, schema, table)));
  }
  const names = columns.map((c) => `"${c.name}"`).join(", ");
  const insert = `insert into ${schema}.${table} (${names}) select * from unnest(${columns.map((c, i) => `$${i + 1}::${c.udt}[]`).join(", ")})`;
  let batch: unknown[][] = columns.map(() => []);
  let pending = 0;
  let copied = 0;
  const flush = async () => {
    if (pending === 0) return;
    await client.query(insert, batch);
    copied += pending;
    batch = columns.map(() => []);
    pending = 0;
  };
  const rows = sqlite.prepare(`select ${names} from "${table}"`).raw(true).iterate() as IterableIterator<unknown[]>;
  for (const row of rows) {
    for (let i = 0; i < row.length; i++) batch[i]!.push(row[i]);
    if (++pending === BATCH_ROWS) await flush();
  }
  await flush();
  return copied;
}

/** A copy cut short (the bench stopped) resumes: tables that arrived whole are not copied again. */
async function copiedAlready(sqlite: SqliteDatabase.Database, client: pg.Client, schema: string, table: string): Promise<boolean> {
  const rows = sqlite.prepare(`select count(*) from "${table}"`).pluck().get() as number;
  if (rows === 0) return false;
  const copied = await client.query<{ n: string }>(`select count(*) as n from ${schema}.${table}`).catch(() => undefined);
  return Number(copied?.rows[0]?.n ?? -1) === rows;
}

export async function copySqliteToPostgres(sqliteFile: string, url: string, schema: string, log: Log): Promise<void> {
  const sqlite = new SqliteDatabase(sqliteFile, { readonly: true });
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query("set session_replication_role = replica");
    const tables = (sqlite.prepare("select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name").all() as Array<{ name: string }>)
      .map((t) => t.name)
      .filter((name) => !SKIP.has(name));
    // The marker last: a copy cut short is never taken for a finished pod.
    tables.sort((a, b) => Number(a === "bench_ready") - Number(b === "bench_ready"));
    for (const table of tables) {
      const started = Date.now();
      if (await copiedAlready(sqlite, client, schema, table)) {
        log(`postgres pod: ${table} copied by an earlier run`);
        continue;
      }
      await client.query(`delete from ${schema}.${table}`).catch(() => undefined);
      const copied = await copyTable(sqlite, client, schema, table);
      log(`postgres pod: ${table} ${copied} rows (${Math.round((Date.now() - started) / 1000)} s)`);
    }
    const { rows: sequences } = await client.query<{ table_name: string }>(
      "select table_name from information_schema.columns where table_schema = $1 and column_name = 'id' and column_default like 'nextval%'",
      [schema],
    );
    for (const { table_name } of sequences) {
      await client.query(`select setval(pg_get_serial_sequence('${schema}.${table_name}', 'id'), coalesce((select max(id) from ${schema}.${table_name}), 0) + 1, false)`);
    }
    await client.query("set session_replication_role = origin");
  } finally {
    await client.end();
    sqlite.close();
  }
}
