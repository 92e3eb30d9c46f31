import type { Kysely } from "kysely";
import {
  AccountError,
  checkPin,
  createPatron,
  findPatronByCard,
  hashSecret,
  PATRON_STATUSES,
  updatePatron,
  type PatronStatus,
} from "./accounts.ts";
import { readCsvTable, type CsvRecord } from "./csv.ts";
import type { Database } from "./schema.ts";

type Column = "card" | "name" | "email" | "status" | "expiry" | "pin";

/** Header names accepted for each column (compared lower-case, letters and digits only). */
const HEADER_ALIASES: Record<Column, string[]> = {
  card: ["card", "cardnumber", "cardno", "barcode", "patronbarcode", "borrowerbarcode"],
  name: ["name", "fullname", "patronname"],
  email: ["email", "emailaddress", "mail"],
  status: ["status", "patronstatus"],
  expiry: ["expiry", "expires", "expiresat", "expirydate", "dateexpiry", "expirationdate"],
  pin: ["pin", "pincode"],
};

const STATUS_ALIASES: Record<string, PatronStatus> = {
  active: "active",
  ok: "active",
  blocked: "blocked",
  barred: "blocked",
  debarred: "blocked",
  suspended: "blocked",
  expired: "expired",
};

export interface PatronImportRow {
  /** Line of the CSV where the row starts. */
  line: number;
  cardNumber: string | null;
  outcome: "created" | "updated" | "error";
  error?: string;
}

export interface PatronImportResult {
  created: number;
  updated: number;
  failed: number;
  rows: PatronImportRow[];
  /** A problem with the file as a whole (no header, missing required column); nothing imported. */
  error?: string;
}

interface PreparedRow {
  line: number;
  cardNumber: string;
  name: string;
  email?: string | null;
  status?: PatronStatus;
  expiresAt?: string | null;
  pin?: string;
  pinHash?: string;
}

/** `YYYY-MM-DD` means valid through the end of that day (UTC); full ISO timestamps are kept. */
function parseExpiry(value: string): string | null {
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) {
    const date = new Date(`${value}T23:59:59.999Z`);
    if (Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== value) throw new Error(`expiry ${value} is not a date`);
    return date.toISOString();
  }
  if (/^\d{4}-\d{2}-\d{2}T/.test(value) && !Number.isNaN(Date.parse(value))) return new Date(value).toISOString();
  throw new Error(`expiry must be YYYY-MM-DD (got "${value.slice(0, 40)}")`);
}

function prepareRow(record: CsvRecord, columns: Map<Column, number>, width: number): PreparedRow {
  if (record.error) throw new Error(record.error);
  if (record.fields.length !== width) throw new Error(`expected ${width} fields, found ${record.fields.length}`);
  const cell = (column: Column): string | undefined => {
    const index = columns.get(column);
    return index === undefined ? undefined : (record.fields[index] ?? "").trim();
  };
  const cardNumber = cell("card") ?? "";
  if (!cardNumber) throw new Error("card number is empty");
  if (cardNumber.length > 64) throw new Error("card number is longer than 64 characters");
  const name = cell("name") ?? "";
  if (!name) throw new Error("name is empty");
  const row: PreparedRow = { line: record.line, cardNumber, name };

  const email = cell("email");
  if (email !== undefined) {
    if (email && !/^[^\s@]+@[^\s@]+$/.test(email)) throw new Error(`email "${email.slice(0, 80)}" is not an email address`);
    row.email = email || null;
  }
  const status = cell("status");
  if (status !== undefined) {
    const mapped = status ? STATUS_ALIASES[status.toLowerCase()] : "active";
    if (!mapped) throw new Error(`status must be one of ${PATRON_STATUSES.join(", ")} (got "${status.slice(0, 40)}")`);
    row.status = mapped;
  }
  const expiry = cell("expiry");
  if (expiry !== undefined) row.expiresAt = expiry ? parseExpiry(expiry) : null;
  const pin = cell("pin");
  if (pin) {
    checkPin(pin);
    row.pin = pin;
  }
  return row;
}

function describe(error: unknown): string {
  if (error instanceof AccountError) return `${error.field}: ${error.message}`;
  return error instanceof Error ? error.message : String(error);
}

/** Runs `work` over items with at most `limit` in flight (scrypt runs on libuv's thread pool). */
async function eachLimited<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await work(item);
    }
  });
  await Promise.all(runners);
}

/**
 * Loads a member's patrons from an ILS export: header row naming card, name and optionally email,
 * status, expiry and pin (any order; other columns are ignored, so no more data than the request
 * flow needs is kept). Upserts by card number within the library; a PIN, when given, is hashed,
 * and an empty PIN leaves an existing patron's PIN alone. Every row gets a result; a bad row never
 * stops the others.
 */
export async function importPatronsCsv(db: Kysely<Database>, libraryId: number, csvText: string): Promise<PatronImportResult> {
  const result: PatronImportResult = { created: 0, updated: 0, failed: 0, rows: [] };
  const { table, error } = readCsvTable(csvText, HEADER_ALIASES, ["card", "name"], (missing) => missing.join(" and "));
  if (!table) return { ...result, error };
  const { header, body, columns } = table;

  const outcomes: PatronImportRow[] = [];
  const prepared: PreparedRow[] = [];
  for (const record of body) {
    try {
      prepared.push(prepareRow(record, columns, header.fields.length));
    } catch (error) {
      const index = columns.get("card");
      const card = index === undefined ? undefined : record.fields[index]?.trim();
      outcomes.push({ line: record.line, cardNumber: card || null, outcome: "error", error: describe(error) });
    }
  }

  await eachLimited(
    prepared.filter((row) => row.pin),
    4,
    async (row) => {
      row.pinHash = await hashSecret(row.pin!);
    },
  );

  for (const row of prepared) {
    try {
      const existing = await findPatronByCard(db, libraryId, row.cardNumber);
      const fields = {
        name: row.name,
        ...(row.email !== undefined && { email: row.email }),
        ...(row.status !== undefined && { status: row.status }),
        ...(row.expiresAt !== undefined && { expiresAt: row.expiresAt }),
      };
      if (existing) {
        await updatePatron(db, existing.id, fields, row.pinHash);
        outcomes.push({ line: row.line, cardNumber: row.cardNumber, outcome: "updated" });
      } else {
        await createPatron(db, { libraryId, cardNumber: row.cardNumber, ...fields }, row.pinHash);
        outcomes.push({ line: row.line, cardNumber: row.cardNumber, outcome: "created" });
      }
    } catch (error) {
      outcomes.push({ line: row.line, cardNumber: row.cardNumber, outcome: "error", error: describe(error) });
    }
  }

  result.rows = outcomes.sort((a, b) => a.line - b.line);
  for (const row of result.rows) {
    if (row.outcome === "created") result.created++;
    else if (row.outcome === "updated") result.updated++;
    else result.failed++;
  }
  return result;
}
