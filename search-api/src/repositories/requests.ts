import { PostgresAdapter, sql, type Kysely } from "kysely";
import type { Database, RequestEventRow, RequestRow } from "@interlend/db";

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
 * ends. PostgreSQL: a row lock (SELECT … FOR UPDATE). SQLite: a no-op write, which takes the
 * database's single write lock at once (what BEGIN IMMEDIATE does), so a transaction that read
 * first never fails to upgrade when another process wrote in between.
 */
export async function lockPatron(trx: Db, patronId: number): Promise<void> {
  if (isPostgres(trx)) await trx.selectFrom("patrons").select("id").where("id", "=", patronId).forUpdate().execute();
  else await trx.updateTable("patrons").set((eb) => ({ status: eb.ref("status") })).where("id", "=", patronId).execute();
}

export async function lockCluster(trx: Db, clusterId: number): Promise<void> {
  if (isPostgres(trx)) await trx.selectFrom("clusters").select("id").where("id", "=", clusterId).forUpdate().execute();
  else await trx.updateTable("clusters").set((eb) => ({ updated_at: eb.ref("updated_at") })).where("id", "=", clusterId).execute();
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
  if (rows.length === 0) return undefined;
  rows.sort((a, b) => a.id - b.id);
  return (rows.find((r) => r.library_id === preferLibraryId) ?? rows[0]!).title;
}

/** Lendable copies on the shelf per member for one title (a loan needs a returnable copy). */
export async function shelfCopiesByLender(db: Db, clusterId: number, serviceType: "loan" | "copy"): Promise<Map<number, number>> {
  let query = db
    .selectFrom("items as i")
    .innerJoin("bib_records as b", "b.id", "i.bib_id")
    .select(["b.library_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("b.cluster_id", "=", clusterId)
    .where("i.status", "=", "available")
    .where("i.lendable", "=", 1);
  if (serviceType === "loan") query = query.where("i.loan_type", "=", "returnable");
  const rows = await query.groupBy("b.library_id").execute();
  return new Map(rows.map((r) => [r.library_id, Number(r.n)]));
}

/** Requests for one title waiting at each lender (state sent): copies already promised. */
export async function promisedByLender(db: Db, clusterId: number): Promise<Map<number, number>> {
  const rows = await db
    .selectFrom("requests")
    .select(["lender_library_id", (eb) => eb.fn.countAll<number>().as("n")])
    .where("cluster_id", "=", clusterId)
    .where("state", "=", "sent")
    .where("lender_library_id", "is not", null)
    .groupBy("lender_library_id")
    .execute();
  return new Map(rows.map((r) => [r.lender_library_id!, Number(r.n)]));
}

export interface NewRequest {
  patronId: number;
  borrowerLibraryId: number;
  clusterId: number;
  pickupLocation: string | null;
  serviceType: "loan" | "copy";
  state: string;
  rota: string;
  idempotencyKey: string;
  at: string;
}

export async function insertRequest(trx: Db, request: NewRequest): Promise<RequestRow> {
  return trx
    .insertInto("requests")
    .values({
      patron_id: request.patronId,
      borrower_library_id: request.borrowerLibraryId,
      cluster_id: request.clusterId,
      pickup_location: request.pickupLocation,
      service_type: request.serviceType,
      state: request.state,
      rota: request.rota,
      rota_position: 0,
      lender_library_id: null,
      idempotency_key: request.idempotencyKey,
      due_date: null,
      created_at: request.at,
      updated_at: request.at,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertEvent(trx: Db, event: NewEvent): Promise<void> {
  await trx
    .insertInto("request_events")
    .values({
      request_id: event.requestId,
      at: event.at,
      actor: event.actor,
      from_state: event.from,
      to_state: event.to,
      lender_library_id: event.lenderLibraryId,
      reason: event.reason ?? null,
    })
    .execute();
  if (event.to === "sent" && event.lenderLibraryId != null) {
    await trx
      .insertInto("lender_daily_sends")
      .values({ lender_library_id: event.lenderLibraryId, day: event.at.slice(0, 10), sent: 1 })
      .onConflict((oc) => oc.columns(["lender_library_id", "day"]).doUpdateSet((eb) => ({ sent: eb("lender_daily_sends.sent", "+", 1) })))
      .execute();
  }
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
  return new Map(
    rows.map((r) => [r.id, { id: r.id, code: r.code, name: r.name, timezone: r.timezone, contactEmail: r.contact_email, suspendedUntil: r.suspended_until }]),
  );
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
