/**
 * The hot statements of ingest (and of rebuilding union documents) on SQLite, as better-sqlite3
 * prepared statements kept for the life of the connection: Kysely compiles and prepares every
 * statement again (and multi-row inserts are big statements to prepare), which cost more than the
 * inserts themselves. Everything else, and PostgreSQL, stays on Kysely.
 *
 * The statements run on the same connection as Kysely's, so they are only ever used while Kysely
 * has handed that single connection over (a transaction, or `db.connection()` for reads): writes
 * are part of the transaction, commit and roll back with it, and nothing else can run on the
 * connection meanwhile.
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

/** A stored record as a union document needs it. */
export interface MemberBibRow {
  id: number;
  cluster_id: number;
  library_id: number;
  data: string;
  field_count: number;
}

export interface MemberItemRow {
  bib_id: number;
  library_id: number;
  status: string;
  lendable: number;
}

/**
 * Number of MARC fields of a stored record, counted in the db: one `"tag"` key per field object in
 * the record's JSON (a `"` inside a value is always escaped, so values never match), without
 * sending the whole MARC JSON over to count it.
 */
export const FIELD_COUNT_SQL = `(length(marc) - length(replace(marc, '"tag"', ''))) / 5`;

/**
 * Ids per IN list. Lists are always this long (the last one padded by repeating an id, which
 * changes nothing), so each statement stays prepared where lists of every length would each be a
 * new one.
 */
const IDS_PER_LIST = 250;
const ID_LIST = `(${Array(IDS_PER_LIST).fill("?").join(", ")})`;

/** `ids` in lists of exactly IDS_PER_LIST. */
function* paddedIdLists(ids: number[]): Generator<number[]> {
  for (let start = 0; start < ids.length; start += IDS_PER_LIST) {
    const list = ids.slice(start, start + IDS_PER_LIST);
    while (list.length < IDS_PER_LIST) list.push(list[0]!);
    yield list;
  }
}

/** Rows per multi-row insert: 64 × 9 columns stays far below SQLite's bound-parameter limit. */
const ROWS_PER_INSERT = 64;

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

  /** The records and items of some clusters. */
  clusterMembers(clusterIds: number[]): { bibs: MemberBibRow[]; items: MemberItemRow[] } {
    const selectBibs = this.statement(`select id, cluster_id, library_id, data, ${FIELD_COUNT_SQL} as field_count from bib_records where cluster_id in ${ID_LIST} order by id`);
    const selectItems = this.statement(`select bib_id, library_id, status, lendable from items where bib_id in (select id from bib_records where cluster_id in ${ID_LIST})`);
    const bibs: MemberBibRow[] = [];
    const items: MemberItemRow[] = [];
    for (const ids of paddedIdLists(clusterIds)) {
      for (const row of selectBibs.all(ids)) bibs.push(row as MemberBibRow);
      for (const row of selectItems.all(ids)) items.push(row as MemberItemRow);
    }
    return { bibs, items };
  }

  /** Removes the outbox rows of some clusters queued at or before `queuedAt`. */
  clearOutbox(clusterIds: number[], queuedAt: string): void {
    const remove = this.statement(`delete from index_outbox where cluster_id in ${ID_LIST} and queued_at <= ?`);
    for (const ids of paddedIdLists(clusterIds)) remove.run([...ids, queuedAt]);
  }

  /** Ids of `count` new clusters, ascending. */
  createClusters(count: number, now: string): number[] {
    const ids: number[] = [];
    for (let start = 0; start < count; start += ROWS_PER_INSERT) {
      const rows = Math.min(ROWS_PER_INSERT, count - start);
      const insert = this.statement(`insert into clusters (created_at, updated_at) values ${Array(rows).fill("(@now, @now)").join(", ")} returning id`).pluck();
      ids.push(...(insert.all({ now }) as number[]).sort((a, b) => a - b));
    }
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
    const columns = ["bib_id", "library_id", "barcode", "call_number", "location", "status", "due_date", "lendable", "loan_type"] as const;
    this.insertRows("items", columns, rows.map((r) => columns.map((column) => r[column])));
  }

  /**
   * Inserts rows (values in `columns` order) with statements of up to ROWS_PER_INSERT rows each:
   * one call and one statement step per batch instead of per row.
   */
  private insertRows(table: string, columns: readonly string[], rows: unknown[][], onConflict = ""): void {
    const row = `(${columns.map(() => "?").join(", ")})`;
    for (let start = 0; start < rows.length; start += ROWS_PER_INSERT) {
      const batch = rows.slice(start, start + ROWS_PER_INSERT);
      this.statement(`insert into ${table} (${columns.join(", ")}) values ${Array(batch.length).fill(row).join(", ")} ${onConflict}`).run(batch.flat());
    }
  }

  queueForIndex(clusterIds: Iterable<number>, queuedAt: string): void {
    const rows = Array.from(clusterIds, (id) => [id, queuedAt]);
    this.insertRows("index_outbox", ["cluster_id", "queued_at"], rows, "on conflict (cluster_id) do update set queued_at = excluded.queued_at");
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
