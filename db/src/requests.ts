import type { ColumnType, Generated, Kysely, Selectable } from "kysely";
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

/** The same database with the request feature's own tables in its type. */
export function withRequestTables(db: Kysely<Database>): Kysely<RequestsDatabase> {
  return db.withTables<{ notification_outbox: NotificationOutboxTable }>() as unknown as Kysely<RequestsDatabase>;
}
