import { PostgresAdapter, sql, type Compilable, type Kysely } from "kysely";
import { withRequestTables, type Database, type PlacingLibrary, type RequestEventRow, type RequestRow } from "@interlend/db";
import { outboxRow, type Notice } from "../notifications/outbox.ts";
import { clusterTitleOf } from "./copies.ts";

/** Kysely queries of the request feature; the rules live in services/requests. */

type Db = Kysely<Database>;

export interface NewEvent {
  requestId: number;
  at: string;
  actor: string;
  from: string | null;
  to: string;
  lenderLibraryId: number | null;
  reason?: string | null;
}

export function isPostgres(db: Db): boolean {
  return db.getExecutor().adapter instanceof PostgresAdapter;
}

/**
 * Serialises placing per patron (limits) and per title (promised copies) until the transaction
 * ends. PostgreSQL: both rows locked by one SELECT … FOR UPDATE, one round trip (it takes the
 * patron's row before the title's, the order placing has always locked them in).
 * SQLite: a no-op write, which takes the database's single write lock at once (what BEGIN
 * IMMEDIATE does), so a transaction that read first never fails to upgrade when another process
 * wrote in between; that lock covers the title too.
 */
export async function lockForPlacing(trx: Db, patronId: number, clusterId: number): Promise<void> {
  if (!isPostgres(trx)) {
    await trx.updateTable("patrons").set((eb) => ({ status: eb.ref("status") })).where("id", "=", patronId).execute();
    return;
  }
  const locked = await trx
    .selectFrom(["patrons as p", "clusters as c"])
    .select("p.id")
    .where("p.id", "=", patronId)
    .where("c.id", "=", clusterId)
    .forUpdate()
    .execute();
  // A title without a clusters row has nothing to lock; the patron still must be.
  if (locked.length === 0) await trx.selectFrom("patrons").select("id").where("id", "=", patronId).forUpdate().execute();
}

/** A unique-constraint violation in either dialect. */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: string; message?: string } | undefined;
  return e?.code === "23505" || e?.code === "SQLITE_CONSTRAINT_UNIQUE" || /UNIQUE constraint failed/.test(e?.message ?? "");
}

export async function findRequest(db: Db, id: number): Promise<RequestRow | undefined> {
  return db.selectFrom("requests").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function findRequestByKey(db: Db, key: string): Promise<RequestRow | undefined> {
  return db.selectFrom("requests").selectAll().where("idempotency_key", "=", key).executeTakeFirst();
}

/** A title of the union record (the member record of `preferLibraryId` when it has one); undefined when the record does not exist. */
export async function clusterTitle(db: Db, clusterId: number, preferLibraryId?: number | null): Promise<string | undefined> {
  // No ORDER BY … LIMIT: it tempts PostgreSQL into walking the primary key instead of the cluster index.
  const rows = await db.selectFrom("bib_records").select(["id", "title", "library_id"]).where("cluster_id", "=", clusterId).execute();
  return clusterTitleOf(rows.map((r) => ({ bibId: r.id, libraryId: r.library_id, title: r.title })), preferLibraryId);
}

export interface NewRequest {
  patronId: number;
  borrowerLibraryId: number;
  clusterId: number;
  pickupLocation: string | null;
  serviceType: "loan" | "copy";
  state: string;
  rota: string;
  /** Where the request starts out (placing sends it straight to its first lender). */
  lenderLibraryId?: number | null;
  rotaPosition?: number;
  idempotencyKey: string;
  at: string;
}

function requestValues(request: NewRequest) {
  return {
    patron_id: request.patronId,
    borrower_library_id: request.borrowerLibraryId,
    cluster_id: request.clusterId,
    pickup_location: request.pickupLocation,
    service_type: request.serviceType,
    state: request.state,
    rota: request.rota,
    rota_position: request.rotaPosition ?? 0,
    lender_library_id: request.lenderLibraryId ?? null,
    idempotency_key: request.idempotencyKey,
    due_date: null,
    created_at: request.at,
    updated_at: request.at,
  };
}

async function insertRequest(trx: Db, request: NewRequest): Promise<RequestRow> {
  return trx.insertInto("requests").values(requestValues(request)).returningAll().executeTakeFirstOrThrow();
}

/** The row `request` becomes once inserted with id `id`. */
function requestRow(id: number, request: NewRequest): RequestRow {
  return { id, ...requestValues(request) };
}

/**
 * Inserts a new request and what its first transitions leave behind (`recordsFor` words them from
 * the row). With an id reserved beforehand (PostgreSQL: placingCheck takes one from the sequence)
 * all of it is one statement; without, the request goes first, for its id.
 */
export async function insertRequestWith(
  trx: Db,
  request: NewRequest,
  reservedId: number | null,
  recordsFor: (row: RequestRow) => Promise<TransitionRecords>,
): Promise<RequestRow> {
  if (reservedId === null) {
    const row = await insertRequest(trx, request);
    await insertRecords(trx, await recordsFor(row));
    return row;
  }
  // Every column is given, so the row is known without reading it back.
  const row = requestRow(reservedId, request);
  const records = await recordsFor(row);
  await runWrites(trx, [trx.insertInto("requests").values(row), ...recordWrites(trx, records)]);
  return row;
}

export async function insertEvent(trx: Db, event: NewEvent): Promise<void> {
  await insertRecords(trx, { events: [event], notices: [], at: event.at });
}

/** What a transition leaves behind: its events, and the notices about it. */
export interface TransitionRecords {
  events: readonly NewEvent[];
  notices: readonly Notice[];
  /** When the notices were queued. */
  at: string;
}

/**
 * Writes a transition's events, bumps the per-lender daily send counter for each "sent" event and
 * queues its notices: one statement on PostgreSQL (data-modifying CTEs, so one round trip), one
 * per table on SQLite (no round trips there, and it allows only SELECT in a CTE).
 */
export async function insertRecords(trx: Db, records: TransitionRecords): Promise<void> {
  await runWrites(trx, recordWrites(trx, records));
}

function recordWrites(trx: Db, records: TransitionRecords): Compilable[] {
  const writes: Compilable[] = [];
  if (records.events.length > 0) writes.push(trx.insertInto("request_events").values(records.events.map(eventRow)));
  const sends = dailySendRows(records.events);
  if (sends.length > 0) {
    writes.push(
      trx
        .insertInto("lender_daily_sends")
        .values(sends)
        .onConflict((oc) => oc.columns(["lender_library_id", "day"]).doUpdateSet((eb) => ({ sent: eb("lender_daily_sends.sent", "+", eb.ref("excluded.sent")) }))),
    );
  }
  if (records.notices.length > 0) {
    writes.push(withRequestTables(trx).insertInto("notification_outbox").values(records.notices.map((n) => outboxRow(n, records.at))));
  }
  return writes;
}

/**
 * Runs the writes in order. On PostgreSQL several go as one statement, all but the last as
 * data-modifying CTEs (foreign keys are checked at its end, so a row may name one inserted beside
 * it).
 */
async function runWrites(trx: Db, writes: readonly Compilable[]): Promise<void> {
  if (writes.length <= 1 || !isPostgres(trx)) {
    for (const write of writes) await trx.executeQuery(write.compile());
    return;
  }
  const ctes = writes.slice(0, -1).map((write, i) => sql`${sql.id(`w${i}`)} as (${write})`);
  await sql`with ${sql.join(ctes)} ${writes.at(-1)!}`.execute(trx);
}

function eventRow(event: NewEvent) {
  return {
    request_id: event.requestId,
    at: event.at,
    actor: event.actor,
    from_state: event.from,
    to_state: event.to,
    lender_library_id: event.lenderLibraryId,
    reason: event.reason ?? null,
  };
}

/** One counter row per lender and UTC day, with how many of `events` sent a request there. */
function dailySendRows(events: readonly NewEvent[]): Array<{ lender_library_id: number; day: string; sent: number }> {
  const counts = new Map<string, { lender_library_id: number; day: string; sent: number }>();
  for (const event of events) {
    if (event.to !== "sent" || event.lenderLibraryId == null) continue;
    const day = event.at.slice(0, 10);
    const key = `${event.lenderLibraryId}:${day}`;
    const row = counts.get(key) ?? { lender_library_id: event.lenderLibraryId, day, sent: 0 };
    row.sent++;
    counts.set(key, row);
  }
  return [...counts.values()];
}

export interface StateChange {
  state: string;
  at: string;
  lenderLibraryId?: number | null;
  rotaPosition?: number;
  dueDate?: string | null;
}

/** Optimistic concurrency: changes the state only if it still is `expected`. False when someone else moved it first. */
export async function updateRequestState(trx: Db, id: number, expected: string, change: StateChange): Promise<boolean> {
  const result = await trx
    .updateTable("requests")
    .set({
      state: change.state,
      updated_at: change.at,
      ...(change.lenderLibraryId !== undefined && { lender_library_id: change.lenderLibraryId }),
      ...(change.rotaPosition !== undefined && { rota_position: change.rotaPosition }),
      ...(change.dueDate !== undefined && { due_date: change.dueDate }),
    })
    .where("id", "=", id)
    .where("state", "=", expected)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function listEvents(db: Db, requestIds: readonly number[]): Promise<RequestEventRow[]> {
  if (requestIds.length === 0) return [];
  return db.selectFrom("request_events").selectAll().where("request_id", "in", [...requestIds]).orderBy("request_id").orderBy("id").execute();
}

export async function listForPatron(db: Db, patronId: number, limit: number): Promise<RequestRow[]> {
  return db.selectFrom("requests").selectAll().where("patron_id", "=", patronId).orderBy("id", "desc").limit(limit).execute();
}

export interface LibraryRef {
  id: number;
  code: string;
  name: string;
  timezone: string;
  contactEmail: string | null;
  suspendedUntil: string | null;
}

export async function librariesById(db: Db, ids: Iterable<number | null>): Promise<Map<number, LibraryRef>> {
  const wanted = [...new Set([...ids].filter((id): id is number => id !== null))];
  if (wanted.length === 0) return new Map();
  const rows = await db
    .selectFrom("libraries")
    .select(["id", "code", "name", "timezone", "contact_email", "suspended_until"])
    .where("id", "in", wanted)
    .execute();
  return new Map(rows.map((r) => [r.id, libraryRef(r)]));
}

export function libraryRef(row: PlacingLibrary): LibraryRef {
  return { id: row.id, code: row.code, name: row.name, timezone: row.timezone, contactEmail: row.contact_email, suspendedUntil: row.suspended_until };
}

/**
 * The patron placing a request, with their member's coordinates (null `borrower_id` when the member
 * is gone) and the id of the request this idempotency key already placed, if any: one statement.
 */
export async function findPlacingPatron(db: Db, patronId: number, idempotencyKey: string) {
  return db
    .selectFrom("patrons as p")
    .leftJoin("libraries as l", "l.id", "p.library_id")
    .select(["p.id", "p.library_id", "p.name", "p.email", "p.status", "p.expires_at", "l.id as borrower_id", "l.latitude", "l.longitude"])
    .select((eb) => eb.selectFrom("requests").select("id").where("idempotency_key", "=", idempotencyKey).as("key_request_id"))
    .where("p.id", "=", patronId)
    .executeTakeFirst();
}

export async function findPatron(db: Db, patronId: number) {
  return db
    .selectFrom("patrons")
    .select(["id", "library_id", "name", "email", "status", "expires_at", "card_number"])
    .where("id", "=", patronId)
    .executeTakeFirst();
}

/** Requests with a title (the current lender's record first) for the staff queues. */
export interface QueueRow extends RequestRow {
  title: string | null;
}

const titleOf = sql<string | null>`(select b.title from bib_records b where b.cluster_id = requests.cluster_id
  order by case when b.library_id = requests.lender_library_id then 0 else 1 end, b.id limit 1)`;

export async function requestsAtLender(db: Db, lenderLibraryId: number, states: readonly string[], limit: number): Promise<QueueRow[]> {
  return db
    .selectFrom("requests")
    .selectAll()
    .select(titleOf.as("title"))
    .where("lender_library_id", "=", lenderLibraryId)
    .where("state", "in", [...states])
    .orderBy("created_at")
    .orderBy("id")
    .limit(limit)
    .execute();
}

export async function requestsOfBorrower(db: Db, borrowerLibraryId: number, states: readonly string[], limit: number): Promise<QueueRow[]> {
  return db
    .selectFrom("requests")
    .selectAll()
    .select(titleOf.as("title"))
    .where("borrower_library_id", "=", borrowerLibraryId)
    .where("state", "in", [...states])
    .orderBy("updated_at")
    .orderBy("id")
    .limit(limit)
    .execute();
}

/** Requests waiting at a lender since before `sentBefore`, with the lender's time zone (expiry candidates). */
export async function sentBefore(db: Db, sentBeforeIso: string, limit: number) {
  return db
    .selectFrom("requests as r")
    .innerJoin("libraries as l", "l.id", "r.lender_library_id")
    .select(["r.id", "r.updated_at", "r.lender_library_id", "l.timezone", "l.opening_hours"])
    .where("r.state", "=", "sent")
    .where("r.updated_at", "<=", sentBeforeIso)
    .orderBy("r.updated_at")
    .limit(limit)
    .execute();
}

/** Loans with the patron whose due date (YYYY-MM-DD) is before `today`. */
export async function receivedPastDue(db: Db, today: string, limit: number): Promise<Array<{ id: number }>> {
  return db
    .selectFrom("requests")
    .select("id")
    .where("state", "=", "received")
    .where("due_date", "<", today)
    .orderBy("id")
    .limit(limit)
    .execute();
}
