/**
 * The hot statements of ingest on SQLite, as better-sqlite3 prepared statements kept for the life
 * of the connection: Kysely compiles and prepares every statement again (and multi-row inserts are
 * big statements to prepare), which cost more than the inserts themselves. Everything else, and
 * PostgreSQL, stays on Kysely.
 *
 * The statements run on the same connection as Kysely's, so they are only ever used inside a
 * Kysely transaction (which holds that single connection): they are part of it, commit and roll
 * back with it, and nothing else can run on the connection meanwhile.
 */
import type { Kysely } from "kysely";
import { sqliteConnectionOf, type Database } from "@interlend/db";

interface RawStatement {
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  all(...params: unknown[]): unknown[];
  pluck(toggle?: boolean): RawStatement;
}

interface RawSqlite {
  prepare(source: string): RawStatement;
}

export interface ExistingBibRow {
  id: number;
  local_id: string;
  content_hash: string;
  cluster_id: number | null;
}

export interface BibInsert {
  library_id: number;
  source_id: number;
  local_id: string;
  cluster_id: number;
  title: string;
  data: string;
  marc: string;
  content_hash: string;
  datestamp: string | null;
  updated_at: string;
}

export interface ItemInsert {
  bib_id: number;
  library_id: number;
  barcode: string | null;
  call_number: string | null;
  location: string | null;
  status: string;
  due_date: string | null;
  lendable: number;
  loan_type: string;
}

/** Ingest's hot statements on one SQLite connection. */
export class SqliteFastStatements {
  private readonly cache = new Map<string, RawStatement>();

  constructor(private readonly raw: RawSqlite) {}

  private statement(source: string): RawStatement {
    let statement = this.cache.get(source);
    if (!statement) this.cache.set(source, (statement = this.raw.prepare(source)));
    return statement;
  }

  existingBibs(sourceId: number, localIds: string[]): ExistingBibRow[] {
    const select = this.statement("select id, local_id, content_hash, cluster_id from bib_records where source_id = ? and local_id = ?");
    const rows: ExistingBibRow[] = [];
    for (const localId of localIds) for (const row of select.all(sourceId, localId)) rows.push(row as ExistingBibRow);
    return rows;
  }

  /** Distinct clusters of the stored records holding each key. */
  clustersOfKeys(keys: string[]): Map<string, number[]> {
    const select = this.statement(
      "select distinct bib_records.cluster_id from match_keys inner join bib_records on bib_records.id = match_keys.bib_id where match_keys.key = ? and bib_records.cluster_id is not null",
    ).pluck();
    const byKey = new Map<string, number[]>();
    for (const key of keys) {
      const ids = select.all(key) as number[];
      if (ids.length) byKey.set(key, ids);
    }
    return byKey;
  }

  createClusters(count: number, now: string): number[] {
    const insert = this.statement("insert into clusters (created_at, updated_at) values (?, ?)");
    const ids: number[] = [];
    for (let i = 0; i < count; i++) ids.push(Number(insert.run(now, now).lastInsertRowid));
    return ids;
  }

  insertBib(row: BibInsert): number {
    const insert = this.statement(
      "insert into bib_records (library_id, source_id, local_id, cluster_id, title, data, marc, content_hash, datestamp, updated_at) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    return Number(
      insert.run(row.library_id, row.source_id, row.local_id, row.cluster_id, row.title, row.data, row.marc, row.content_hash, row.datestamp, row.updated_at)
        .lastInsertRowid,
    );
  }

  insertKeys(rows: Array<{ bib_id: number; key: string }>): void {
    const insert = this.statement("insert into match_keys (bib_id, key) values (?, ?)");
    for (const row of rows) insert.run(row.bib_id, row.key);
  }

  insertItems(rows: ItemInsert[]): void {
    const insert = this.statement(
      "insert into items (bib_id, library_id, barcode, call_number, location, status, due_date, lendable, loan_type) values (?, ?, ?, ?, ?, ?, ?, ?, ?)",
    );
    for (const r of rows) insert.run(r.bib_id, r.library_id, r.barcode, r.call_number, r.location, r.status, r.due_date, r.lendable, r.loan_type);
  }

  queueForIndex(clusterIds: Iterable<number>, queuedAt: string): void {
    const upsert = this.statement("insert into index_outbox (cluster_id, queued_at) values (?, ?) on conflict (cluster_id) do update set queued_at = excluded.queued_at");
    for (const id of clusterIds) upsert.run(id, queuedAt);
  }
}

const handles = new WeakMap<Kysely<Database>, SqliteFastStatements | undefined>();

/** Ingest's prepared statements for a SQLite database; undefined on PostgreSQL. */
export function sqliteFastStatements(db: Kysely<Database>): SqliteFastStatements | undefined {
  if (!handles.has(db)) {
    const raw = sqliteConnectionOf(db) as RawSqlite | undefined;
    handles.set(db, raw ? new SqliteFastStatements(raw) : undefined);
  }
  return handles.get(db);
}
