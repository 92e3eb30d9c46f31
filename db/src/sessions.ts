import type { Kysely } from "kysely";
import { randomToken, sha256Hex } from "./accounts.ts";
import type { Database, PatronRow, SessionRow, UserRow } from "./schema.ts";

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

/** The account behind a session, read with it: a patron or a user, with their library's code. */
export interface SessionAccount {
  patron: { id: number; name: string; status: PatronRow["status"]; expires_at: string | null; library_id: number; code: string } | null;
  user: { id: number; name: string; role: UserRow["role"]; library_id: number | null; code: string | null } | null;
}

/**
 * The live session for a token, with its account (one statement), or undefined when the token is
 * unknown or the session has expired (then it is deleted). Slides the expiry forward when due.
 * `patron` / `user` is null when the account is gone.
 */
export async function findSession(
  db: Kysely<Database>,
  token: string,
  options?: SessionOptions,
  now: Date = new Date(),
): Promise<(SessionRow & SessionAccount) | undefined> {
  if (!token || token.length > 200) return undefined;
  const id = sha256Hex(token);
  const found = await db
    .selectFrom("sessions")
    .leftJoin("patrons as p", "p.id", "sessions.patron_id")
    .leftJoin("libraries as pl", "pl.id", "p.library_id")
    .leftJoin("users as u", "u.id", "sessions.user_id")
    .leftJoin("libraries as ul", "ul.id", "u.library_id")
    .select([
      "sessions.id", "sessions.user_id", "sessions.patron_id", "sessions.role", "sessions.csrf_token", "sessions.created_at", "sessions.expires_at",
      "p.id as p_id", "p.name as p_name", "p.status as p_status", "p.expires_at as p_expires_at", "p.library_id as p_library_id", "pl.code as p_code",
      "u.id as u_id", "u.name as u_name", "u.role as u_role", "u.library_id as u_library_id", "ul.code as u_code",
    ])
    .where("sessions.id", "=", id)
    .executeTakeFirst();
  if (!found) return undefined;
  if (Date.parse(found.expires_at) <= now.getTime()) {
    await db.deleteFrom("sessions").where("id", "=", id).execute();
    return undefined;
  }
  const { p_id, p_name, p_status, p_expires_at, p_library_id, p_code, u_id, u_name, u_role, u_library_id, u_code, ...row } = found;
  const account: SessionAccount = {
    patron: p_id !== null && p_name !== null && p_status !== null && p_library_id !== null && p_code !== null
      ? { id: p_id, name: p_name, status: p_status, expires_at: p_expires_at, library_id: p_library_id, code: p_code }
      : null,
    user: u_id !== null && u_name !== null && u_role !== null ? { id: u_id, name: u_name, role: u_role, library_id: u_library_id, code: u_code } : null,
  };
  const opts = settings(options);
  const slid = expiryFor(row.created_at, now, opts);
  if (Date.parse(slid) - Date.parse(row.expires_at) >= opts.touchIntervalMs) {
    await db.updateTable("sessions").set({ expires_at: slid }).where("id", "=", id).execute();
    return { ...row, expires_at: slid, ...account };
  }
  return { ...row, ...account };
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
