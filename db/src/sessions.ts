import type { Kysely } from "kysely";
import { randomToken, sha256Hex } from "./accounts.ts";
import type { Database, SessionRow } from "./schema.ts";

/**
 * Sign-in sessions. The browser holds an opaque random token; the table holds only its SHA-256
 * (a leaked table or backup cannot be replayed). Expiry slides with use (idle timeout) and is
 * capped by an absolute lifetime from sign-in.
 */
export interface SessionOptions {
  /** Idle timeout: a session unused this long is gone. Default 12 hours. */
  idleTtlMs?: number;
  /** Hard cap from sign-in, however active the session. Default 7 days. */
  absoluteTtlMs?: number;
  /** Expiry is written back at most this often (not on every request). Default 1 minute. */
  touchIntervalMs?: number;
}

export const SESSION_DEFAULTS: Required<SessionOptions> = {
  idleTtlMs: 12 * 60 * 60 * 1000,
  absoluteTtlMs: 7 * 24 * 60 * 60 * 1000,
  touchIntervalMs: 60 * 1000,
};

export type SessionSubject = { userId: number; role: "staff" | "admin" } | { patronId: number; role: "patron" };

export interface NewSession {
  /** The cookie value; never stored. */
  token: string;
  csrfToken: string;
  session: SessionRow;
}

function settings(options: SessionOptions | undefined): Required<SessionOptions> {
  return { ...SESSION_DEFAULTS, ...options };
}

function expiryFor(createdAt: string, now: Date, options: Required<SessionOptions>): string {
  const idle = now.getTime() + options.idleTtlMs;
  const absolute = Date.parse(createdAt) + options.absoluteTtlMs;
  return new Date(Math.min(idle, absolute)).toISOString();
}

export async function createSession(
  db: Kysely<Database>,
  subject: SessionSubject,
  options?: SessionOptions,
  now: Date = new Date(),
): Promise<NewSession> {
  const token = randomToken(32);
  const csrfToken = randomToken(32);
  const createdAt = now.toISOString();
  const session = await db
    .insertInto("sessions")
    .values({
      id: sha256Hex(token),
      user_id: "userId" in subject ? subject.userId : null,
      patron_id: "patronId" in subject ? subject.patronId : null,
      role: subject.role,
      csrf_token: csrfToken,
      created_at: createdAt,
      expires_at: expiryFor(createdAt, now, settings(options)),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { token, csrfToken, session };
}

/** The live session for a token, its expiry slid forward; undefined when unknown or expired. */
export async function findSession(
  db: Kysely<Database>,
  token: string,
  options?: SessionOptions,
  now: Date = new Date(),
): Promise<SessionRow | undefined> {
  if (!token || token.length > 200) return undefined;
  const id = sha256Hex(token);
  const row = await db.selectFrom("sessions").selectAll().where("id", "=", id).executeTakeFirst();
  if (!row) return undefined;
  if (Date.parse(row.expires_at) <= now.getTime()) {
    await db.deleteFrom("sessions").where("id", "=", id).execute();
    return undefined;
  }
  const opts = settings(options);
  const slid = expiryFor(row.created_at, now, opts);
  if (Date.parse(slid) - Date.parse(row.expires_at) >= opts.touchIntervalMs) {
    await db.updateTable("sessions").set({ expires_at: slid }).where("id", "=", id).execute();
    return { ...row, expires_at: slid };
  }
  return row;
}

/** Signs out: the token stops working at once. */
export async function deleteSession(db: Kysely<Database>, token: string): Promise<boolean> {
  const result = await db.deleteFrom("sessions").where("id", "=", sha256Hex(token)).executeTakeFirst();
  return Number(result.numDeletedRows) > 0;
}

/** Ends every session of a user or patron (password change, block, removal). */
export async function deleteSessionsOf(db: Kysely<Database>, who: { userId: number } | { patronId: number }): Promise<number> {
  const query = db.deleteFrom("sessions");
  const result = await ("userId" in who ? query.where("user_id", "=", who.userId) : query.where("patron_id", "=", who.patronId)).executeTakeFirst();
  return Number(result.numDeletedRows);
}

/** Deletes expired sessions; returns how many. Run on a schedule (expired ones are refused anyway). */
export async function purgeExpiredSessions(db: Kysely<Database>, now: Date = new Date()): Promise<number> {
  const result = await db.deleteFrom("sessions").where("expires_at", "<=", now.toISOString()).executeTakeFirst();
  return Number(result.numDeletedRows);
}
