import { PostgresAdapter, sql, type ColumnType, type Generated, type Kysely, type QueryExecutorProvider, type Selectable } from "kysely";
import { jsonArrayFrom as postgresJsonArray } from "kysely/helpers/postgres";
import { jsonArrayFrom as sqliteJsonArray } from "kysely/helpers/sqlite";
import type { Database } from "./schema.ts";

/**
 * Patron and staff notices about requests (migration 004). A notice is written in the same
 * transaction as the state change it reports; a sender mails it afterwards and marks it sent, so a
 * mail failure never loses a notice nor blocks a transition.
 */
export interface NotificationOutboxTable {
  id: Generated<number>;
  /** request_placed, new_request, shipped, not_supplied, ready_to_collect, overdue. */
  kind: string;
  request_id: number | null;
  recipient: string;
  /** "patron" or "staff". */
  audience: string;
  subject: string;
  body: string;
  /** pending → sending → sent | failed (pending again while attempts remain). */
  status: ColumnType<NotificationStatus, NotificationStatus | undefined, NotificationStatus>;
  attempts: ColumnType<number, number | undefined, number>;
  last_error: string | null;
  created_at: string;
  /** When a sender claimed the row (a claim older than a few minutes is taken back). */
  claimed_at: string | null;
  sent_at: string | null;
}

export type NotificationStatus = "pending" | "sending" | "sent" | "failed";
export type NotificationRow = Selectable<NotificationOutboxTable>;
export type RequestsDatabase = Database & { notification_outbox: NotificationOutboxTable };

/** Rebuilds the per-lender, per-day send counters from the events (after a migration or a bulk load). */
export async function recountLenderDailySends(db: QueryExecutorProvider): Promise<void> {
  await sql`delete from lender_daily_sends`.execute(db);
  await sql`
    insert into lender_daily_sends (lender_library_id, day, sent)
    select lender_library_id, substr(at, 1, 10), count(*)
    from request_events
    where to_state = 'sent' and lender_library_id is not null
    group by lender_library_id, substr(at, 1, 10)
  `.execute(db);
}

/** The same database with the request feature's own tables in its type. */
export function withRequestTables(db: Kysely<Database>): Kysely<RequestsDatabase> {
  return db.withTables<{ notification_outbox: NotificationOutboxTable }>() as unknown as Kysely<RequestsDatabase>;
}

export interface PlacingCheckInput {
  /** The stored idempotency key. */
  idempotencyKey: string;
  patronId: number;
  clusterId: number;
  /** States in which a request counts as open. */
  openStates: readonly string[];
  borrowerLibraryId: number;
  /** Requests the borrowing member placed since then count towards its daily limit (ISO time). */
  placedSince: string;
  /** Members whose rows the placement needs as they are now (the borrower and the rota's lenders). */
  libraryIds: readonly number[];
}

/** A member as placing reads it under the lock (who to send to, and what the notices say). */
export interface PlacingLibrary {
  id: number;
  code: string;
  name: string;
  timezone: string;
  contact_email: string | null;
  suspended_until: string | null;
}

export interface PlacingCheck {
  /** A request already placed with this key (a concurrent retry won the race). */
  racedId: number | null;
  /** The patron's open requests. */
  open: number;
  /** The patron's open request for this title, if any. */
  sameTitle: number | null;
  /** Requests the borrowing member placed since `placedSince`. */
  placedToday: number;
  /** Requests for the title waiting at each lender (state sent): copies already promised. */
  promised: Map<number, number>;
  /** The rows of `libraryIds` that still exist. */
  libraries: PlacingLibrary[];
  /** PostgreSQL: an id taken from the requests' sequence for the request about to be placed; null on SQLite. */
  reservedRequestId: number | null;
}

/** PostgreSQL's driver parses json itself; SQLite hands back the text. */
function parsedJson<T>(value: unknown): T[] {
  if (typeof value === "string") return JSON.parse(value) as T[];
  return (value ?? []) as T[];
}

/**
 * Everything placing reads under its locks, as one statement of independent subqueries (one round
 * trip instead of five; each subquery uses its own index); the per-lender and per-member rows come
 * back as JSON arrays. On PostgreSQL it also takes the new request's id from the sequence, so the
 * request and everything naming it can be written in one statement (a refusal leaves a gap in the
 * ids, as a rollback does). Run it after taking the locks: on PostgreSQL each statement then sees
 * what the lock holder before it committed.
 */
export async function placingCheck(db: Kysely<Database>, input: PlacingCheckInput): Promise<PlacingCheck> {
  const open = [...input.openStates];
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const jsonArrayFrom = postgres ? postgresJsonArray : sqliteJsonArray;
  const libraryIds = input.libraryIds.length > 0 ? [...input.libraryIds] : [input.borrowerLibraryId];
  const row = await db
    .selectNoFrom((eb) => [
      eb.selectFrom("requests").select("id").where("idempotency_key", "=", input.idempotencyKey).as("raced"),
      eb.selectFrom("requests").select((e) => e.fn.countAll<number>().as("n")).where("patron_id", "=", input.patronId).where("state", "in", open).as("open"),
      eb
        .selectFrom("requests")
        .select((e) => e.fn.max("id").as("id"))
        .where("patron_id", "=", input.patronId)
        .where("state", "in", open)
        .where("cluster_id", "=", input.clusterId)
        .as("same_title"),
      eb
        .selectFrom("requests")
        .select((e) => e.fn.countAll<number>().as("n"))
        .where("borrower_library_id", "=", input.borrowerLibraryId)
        .where("created_at", ">=", input.placedSince)
        .as("today"),
      jsonArrayFrom(
        eb
          .selectFrom("requests")
          .select(["lender_library_id as lender", (e) => e.fn.countAll<number>().as("n")])
          .where("cluster_id", "=", input.clusterId)
          .where("state", "=", "sent")
          .where("lender_library_id", "is not", null)
          .groupBy("lender_library_id"),
      ).as("promised"),
      jsonArrayFrom(
        eb.selectFrom("libraries").select(["id", "code", "name", "timezone", "contact_email", "suspended_until"]).where("id", "in", libraryIds),
      ).as("libraries"),
      (postgres ? sql<number | null>`nextval(pg_get_serial_sequence('requests', 'id'))` : sql<number | null>`null`).as("reserved_id"),
    ])
    .executeTakeFirstOrThrow();
  const id = (value: unknown) => (value === null || value === undefined ? null : Number(value));
  const promised = parsedJson<{ lender: number; n: number }>(row.promised);
  return {
    racedId: id(row.raced),
    open: Number(row.open ?? 0),
    sameTitle: id(row.same_title),
    placedToday: Number(row.today ?? 0),
    promised: new Map(promised.map((p) => [Number(p.lender), Number(p.n)])),
    libraries: parsedJson<PlacingLibrary>(row.libraries),
    reservedRequestId: id(row.reserved_id),
  };
}
