import { createHash, randomBytes, scrypt, timingSafeEqual } from "node:crypto";
import type { Kysely } from "kysely";
import type { ApiClientRow, Database, PatronRow, UserRow } from "./schema.ts";
import { nowIso } from "./time.ts";

// ---------------------------------------------------------------------------------------------
// Secrets: scrypt, in a self-describing format so the cost can be raised later without breaking
// stored hashes: `scrypt$N$r$p$<salt base64url>$<hash base64url>`.
// ---------------------------------------------------------------------------------------------

export interface ScryptCost {
  /** CPU/memory cost, a power of two. */
  N: number;
  r: number;
  p: number;
}

/** ~32 MiB and a few tens of milliseconds per hash on a current server core. */
export const DEFAULT_SCRYPT_COST: Readonly<ScryptCost> = { N: 2 ** 15, r: 8, p: 1 };

const SALT_BYTES = 16;
const KEY_BYTES = 32;
/** Stored hashes outside these bounds are refused rather than computed (a hostile row must not
 * make one verification take minutes or gigabytes). */
const LIMITS = { minLogN: 10, maxLogN: 20, maxR: 32, maxP: 16, minKey: 16, maxKey: 64 };

export const MIN_PIN_LENGTH = 4;
export const MIN_PASSWORD_LENGTH = 10;
/** Upper bounds keep hashing cost bounded for hostile input. */
export const MAX_SECRET_LENGTH = 1024;

/** Stored in place of a hash for accounts that have no secret yet: never verifies. */
export const NO_SECRET = "!";

function deriveKey(secret: string, salt: Buffer, cost: ScryptCost, keyLength: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(
      secret.normalize("NFC"),
      salt,
      keyLength,
      { N: cost.N, r: cost.r, p: cost.p, maxmem: 256 * cost.N * cost.r + 1024 * 1024 },
      (error, key) => (error ? reject(error) : resolve(key)),
    );
  });
}

export async function hashSecret(secret: string, cost: ScryptCost = DEFAULT_SCRYPT_COST): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await deriveKey(secret, salt, cost, KEY_BYTES);
  return ["scrypt", cost.N, cost.r, cost.p, salt.toString("base64url"), key.toString("base64url")].join("$");
}

interface ParsedHash {
  cost: ScryptCost;
  salt: Buffer;
  key: Buffer;
}

function parseHash(stored: string): ParsedHash | undefined {
  const parts = stored.split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") return undefined;
  const [N, r, p] = [Number(parts[1]), Number(parts[2]), Number(parts[3])];
  const logN = Math.log2(N);
  if (!Number.isInteger(logN) || logN < LIMITS.minLogN || logN > LIMITS.maxLogN) return undefined;
  if (!Number.isInteger(r) || r < 1 || r > LIMITS.maxR || !Number.isInteger(p) || p < 1 || p > LIMITS.maxP) return undefined;
  const salt = Buffer.from(parts[4] ?? "", "base64url");
  const key = Buffer.from(parts[5] ?? "", "base64url");
  if (salt.length < 8 || key.length < LIMITS.minKey || key.length > LIMITS.maxKey) return undefined;
  return { cost: { N, r, p }, salt, key };
}

/** Constant-time check of a secret against a stored hash; malformed or empty hashes never match. */
export async function verifySecret(secret: string, stored: string): Promise<boolean> {
  const parsed = parseHash(stored);
  if (!parsed || secret.length > MAX_SECRET_LENGTH) return false;
  const key = await deriveKey(secret, parsed.salt, parsed.cost, parsed.key.length);
  return timingSafeEqual(key, parsed.key);
}

/** Whether a stored hash was made with a lower cost than `cost` (re-hash it after a good login). */
export function needsRehash(stored: string, cost: ScryptCost = DEFAULT_SCRYPT_COST): boolean {
  const parsed = parseHash(stored);
  return !parsed || parsed.cost.N < cost.N || parsed.cost.r < cost.r || parsed.cost.p < cost.p;
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same time as a real verification and returns false: used when the account does not
 * exist (or has no secret), so response times do not reveal which accounts exist.
 */
export async function verifyAgainstDummy(secret: string): Promise<false> {
  dummyHash ??= hashSecret(randomBytes(16).toString("hex"));
  await verifySecret(secret, await dummyHash);
  return false;
}

/** A random URL-safe token (32 bytes of entropy by default). */
export function randomToken(bytes = 32): string {
  return randomBytes(bytes).toString("base64url");
}

/** Hex SHA-256: how high-entropy tokens (sessions, API clients) are stored. */
export function sha256Hex(value: string): string {
  return createHash("sha256").update(value, "utf8").digest("hex");
}

/** Timing-safe comparison of two strings (false when lengths differ). */
export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a, "utf8");
  const right = Buffer.from(b, "utf8");
  return left.length === right.length && timingSafeEqual(left, right);
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

export type AccountErrorCode = "weak-secret" | "duplicate" | "invalid";

/** A rejected account change; `field` names the input at fault. */
export class AccountError extends Error {
  constructor(
    readonly code: AccountErrorCode,
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "AccountError";
  }
}

export function checkPin(pin: string): void {
  if (pin.length < MIN_PIN_LENGTH) throw new AccountError("weak-secret", "pin", `PIN must be at least ${MIN_PIN_LENGTH} characters`);
  if (pin.length > MAX_SECRET_LENGTH) throw new AccountError("invalid", "pin", "PIN is too long");
}

export function checkPassword(password: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new AccountError("weak-secret", "password", `password must be at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (password.length > MAX_SECRET_LENGTH) throw new AccountError("invalid", "password", "password is too long");
}

/** Emails compare case-insensitively: they are stored trimmed and lower-cased. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

function checkEmail(email: string, field = "email"): void {
  if (!/^[^\s@]+@[^\s@]+$/.test(email) || email.length > 320) throw new AccountError("invalid", field, "not an email address");
}

// ---------------------------------------------------------------------------------------------
// Staff and admin users
// ---------------------------------------------------------------------------------------------

export type UserRole = UserRow["role"];

export interface UserInput {
  email: string;
  name: string;
  password: string;
  role: UserRole;
  /** Required for staff (the member they act for); optional for consortium admins. */
  libraryId?: number | null;
}

export async function findUserByEmail(db: Kysely<Database>, email: string): Promise<UserRow | undefined> {
  return db.selectFrom("users").selectAll().where("email", "=", normaliseEmail(email)).executeTakeFirst();
}

export async function findUserById(db: Kysely<Database>, id: number): Promise<UserRow | undefined> {
  return db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
}

export async function createUser(db: Kysely<Database>, input: UserInput): Promise<UserRow> {
  const email = normaliseEmail(input.email);
  checkEmail(email);
  checkPassword(input.password);
  if (!input.name.trim()) throw new AccountError("invalid", "name", "name is required");
  if (input.role === "staff" && input.libraryId == null) throw new AccountError("invalid", "libraryId", "staff belong to a member library");
  if (await findUserByEmail(db, email)) throw new AccountError("duplicate", "email", "a user with this email already exists");
  const password_hash = await hashSecret(input.password);
  return db
    .insertInto("users")
    .values({ email, name: input.name.trim(), password_hash, role: input.role, library_id: input.libraryId ?? null, created_at: nowIso() })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function setUserPassword(db: Kysely<Database>, id: number, password: string): Promise<boolean> {
  checkPassword(password);
  const result = await db.updateTable("users").set({ password_hash: await hashSecret(password) }).where("id", "=", id).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

export async function countAdmins(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom("users").select((eb) => eb.fn.countAll<number>().as("n")).where("role", "=", "admin").executeTakeFirstOrThrow();
  return Number(row.n);
}

// ---------------------------------------------------------------------------------------------
// Patrons (only what the request flow needs: card, name, email, status, expiry)
// ---------------------------------------------------------------------------------------------

export type PatronStatus = PatronRow["status"];
export const PATRON_STATUSES: readonly PatronStatus[] = ["active", "blocked", "expired"];

export interface PatronInput {
  libraryId: number;
  cardNumber: string;
  name: string;
  email?: string | null;
  /** Absent: the patron cannot sign in until a PIN is set. */
  pin?: string | null;
  status?: PatronStatus;
  expiresAt?: string | null;
}

export type PatronUpdate = Partial<Omit<PatronInput, "libraryId" | "cardNumber">>;

function checkPatronFields(input: PatronUpdate & { cardNumber?: string }): void {
  if (input.cardNumber !== undefined && (!input.cardNumber.trim() || input.cardNumber.length > 64)) {
    throw new AccountError("invalid", "cardNumber", "card number is required (at most 64 characters)");
  }
  if (input.name !== undefined && !input.name.trim()) throw new AccountError("invalid", "name", "name is required");
  if (input.email) checkEmail(input.email.trim());
  if (input.status !== undefined && !PATRON_STATUSES.includes(input.status)) {
    throw new AccountError("invalid", "status", `status must be one of ${PATRON_STATUSES.join(", ")}`);
  }
  if (input.expiresAt && Number.isNaN(Date.parse(input.expiresAt))) throw new AccountError("invalid", "expiresAt", "not a date");
  if (input.pin != null) checkPin(input.pin);
}

export async function findPatronByCard(db: Kysely<Database>, libraryId: number, cardNumber: string): Promise<PatronRow | undefined> {
  return db
    .selectFrom("patrons")
    .selectAll()
    .where("library_id", "=", libraryId)
    .where("card_number", "=", cardNumber.trim())
    .executeTakeFirst();
}

export async function findPatronById(db: Kysely<Database>, id: number): Promise<PatronRow | undefined> {
  return db.selectFrom("patrons").selectAll().where("id", "=", id).executeTakeFirst();
}

/** Creates a patron; a duplicate card number in the same library is an AccountError("duplicate"). */
export async function createPatron(db: Kysely<Database>, input: PatronInput, pinHash?: string): Promise<PatronRow> {
  checkPatronFields(input);
  if (await findPatronByCard(db, input.libraryId, input.cardNumber)) {
    throw new AccountError("duplicate", "cardNumber", "a patron with this card number already exists in this library");
  }
  return db
    .insertInto("patrons")
    .values({
      library_id: input.libraryId,
      card_number: input.cardNumber.trim(),
      name: input.name.trim(),
      email: input.email?.trim() || null,
      pin_hash: pinHash ?? (input.pin != null ? await hashSecret(input.pin) : NO_SECRET),
      status: input.status ?? "active",
      expires_at: input.expiresAt ?? null,
      created_at: nowIso(),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

/** Updates the given fields; `pin: null` leaves the PIN as it is. `pinHash` skips hashing again. */
export async function updatePatron(db: Kysely<Database>, id: number, input: PatronUpdate, pinHash?: string): Promise<PatronRow | undefined> {
  checkPatronFields(input);
  const hash = pinHash ?? (input.pin != null ? await hashSecret(input.pin) : undefined);
  return db
    .updateTable("patrons")
    .set({
      ...(input.name !== undefined && { name: input.name.trim() }),
      ...(input.email !== undefined && { email: input.email?.trim() || null }),
      ...(input.status !== undefined && { status: input.status }),
      ...(input.expiresAt !== undefined && { expires_at: input.expiresAt }),
      ...(hash !== undefined && { pin_hash: hash }),
    })
    .where("id", "=", id)
    .returningAll()
    .executeTakeFirst();
}

/** The status that counts now: an active patron past their expiry date is expired. */
export function effectivePatronStatus(patron: Pick<PatronRow, "status" | "expires_at">, now: Date = new Date()): PatronStatus {
  if (patron.status !== "active") return patron.status;
  if (patron.expires_at && Date.parse(patron.expires_at) <= now.getTime()) return "expired";
  return "active";
}

// ---------------------------------------------------------------------------------------------
// API clients: bearer tokens for a member's own systems
// ---------------------------------------------------------------------------------------------

export interface ApiClient {
  id: number;
  libraryId: number;
  name: string;
  scopes: string[];
  createdAt: string;
  revokedAt: string | null;
}

export interface ApiClientInput {
  libraryId: number;
  name: string;
  scopes?: string[];
}

/** Tokens carry a recognisable prefix so secret scanners and log filters can spot them. */
export const API_TOKEN_PREFIX = "ilk_";

function toApiClient(row: ApiClientRow): ApiClient {
  let scopes: unknown;
  try {
    scopes = JSON.parse(row.scopes);
  } catch {
    scopes = [];
  }
  return {
    id: row.id,
    libraryId: row.library_id,
    name: row.name,
    scopes: Array.isArray(scopes) ? scopes.filter((s): s is string => typeof s === "string") : [],
    createdAt: row.created_at,
    revokedAt: row.revoked_at,
  };
}

/** Creates a client and returns its token: the only time the token exists outside the caller. */
export async function createApiClient(db: Kysely<Database>, input: ApiClientInput): Promise<{ client: ApiClient; token: string }> {
  if (!input.name.trim()) throw new AccountError("invalid", "name", "name is required");
  const scopes = [...new Set(input.scopes ?? [])];
  if (scopes.some((s) => !/^[a-z][a-z0-9:._-]{0,63}$/.test(s))) throw new AccountError("invalid", "scopes", "scopes are lower-case words like requests:write");
  const token = API_TOKEN_PREFIX + randomToken(32);
  const row = await db
    .insertInto("api_clients")
    .values({ library_id: input.libraryId, name: input.name.trim(), token_hash: sha256Hex(token), scopes: JSON.stringify(scopes), created_at: nowIso(), revoked_at: null })
    .returningAll()
    .executeTakeFirstOrThrow();
  return { client: toApiClient(row), token };
}

/** The live (not revoked) client holding this token. */
export async function findApiClientByToken(db: Kysely<Database>, token: string): Promise<ApiClient | undefined> {
  if (!token.startsWith(API_TOKEN_PREFIX) || token.length > 200) return undefined;
  const row = await db
    .selectFrom("api_clients")
    .selectAll()
    .where("token_hash", "=", sha256Hex(token))
    .where("revoked_at", "is", null)
    .executeTakeFirst();
  return row && toApiClient(row);
}

export async function listApiClients(db: Kysely<Database>, libraryId?: number): Promise<ApiClient[]> {
  let query = db.selectFrom("api_clients").selectAll().orderBy("id");
  if (libraryId !== undefined) query = query.where("library_id", "=", libraryId);
  return (await query.execute()).map(toApiClient);
}

export async function revokeApiClient(db: Kysely<Database>, id: number): Promise<boolean> {
  const result = await db.updateTable("api_clients").set({ revoked_at: nowIso() }).where("id", "=", id).where("revoked_at", "is", null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}
