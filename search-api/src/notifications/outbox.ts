import type { Kysely } from "kysely";
import { withRequestTables, type Database, type NotificationRow, type NotificationStatus } from "@interlend/db";

export const NOTICE_KINDS = ["request_placed", "new_request", "shipped", "not_supplied", "ready_to_collect", "overdue"] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

export interface Notice {
  kind: NoticeKind;
  requestId: number | null;
  recipient: string;
  audience: "patron" | "staff";
  subject: string;
  body: string;
}

/** A sender that crashed mid-send leaves its claim; after this long another sender takes the row back. */
const CLAIM_TIMEOUT_MS = 5 * 60_000;

/** A notice as its pending outbox row: written in the caller's transaction, so it exists exactly when the change it reports does. */
export function outboxRow(notice: Notice, at: string) {
  return {
    kind: notice.kind,
    request_id: notice.requestId,
    recipient: notice.recipient,
    audience: notice.audience,
    subject: notice.subject,
    body: notice.body,
    status: "pending" as const,
    attempts: 0,
    last_error: null,
    created_at: at,
    claimed_at: null,
    sent_at: null,
  };
}

export async function listNotifications(
  db: Kysely<Database>,
  options: { status?: NotificationStatus; requestId?: number; limit: number; beforeId?: number },
): Promise<NotificationRow[]> {
  let query = withRequestTables(db).selectFrom("notification_outbox").selectAll().orderBy("id", "desc").limit(options.limit);
  if (options.status) query = query.where("status", "=", options.status);
  if (options.requestId !== undefined) query = query.where("request_id", "=", options.requestId);
  if (options.beforeId !== undefined) query = query.where("id", "<", options.beforeId);
  return query.execute();
}

/**
 * Claims up to `limit` pending notices (and ones whose claim went stale) for this sender: each
 * row is taken with a conditional update, so two senders never mail the same notice.
 */
export async function claimNotices(db: Kysely<Database>, limit: number, now: Date): Promise<NotificationRow[]> {
  const tables = withRequestTables(db);
  const staleBefore = new Date(now.getTime() - CLAIM_TIMEOUT_MS).toISOString();
  const candidates = await tables
    .selectFrom("notification_outbox")
    .selectAll()
    .where((eb) => eb.or([eb("status", "=", "pending"), eb.and([eb("status", "=", "sending"), eb("claimed_at", "<", staleBefore)])]))
    .orderBy("id")
    .limit(limit)
    .execute();
  const claimed: NotificationRow[] = [];
  const at = now.toISOString();
  for (const row of candidates) {
    const result = await tables
      .updateTable("notification_outbox")
      .set({ status: "sending", claimed_at: at })
      .where("id", "=", row.id)
      .where("status", "=", row.status)
      .where((eb) => (row.claimed_at === null ? eb("claimed_at", "is", null) : eb("claimed_at", "=", row.claimed_at)))
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) claimed.push({ ...row, status: "sending", claimed_at: at });
  }
  return claimed;
}

export async function markSent(db: Kysely<Database>, id: number, at: string): Promise<void> {
  await withRequestTables(db)
    .updateTable("notification_outbox")
    .set((eb) => ({ status: "sent", sent_at: at, last_error: null, attempts: eb("attempts", "+", 1) }))
    .where("id", "=", id)
    .execute();
}

/** A failed attempt: back to pending while attempts remain, then failed for good (kept, with the error). */
export async function markFailed(db: Kysely<Database>, row: NotificationRow, error: string, maxAttempts: number): Promise<void> {
  const attempts = row.attempts + 1;
  await withRequestTables(db)
    .updateTable("notification_outbox")
    .set({ status: attempts >= maxAttempts ? "failed" : "pending", attempts, last_error: error.slice(0, 1000), claimed_at: null })
    .where("id", "=", row.id)
    .execute();
}
