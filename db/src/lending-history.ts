import type { Generated, Kysely, Selectable } from "kysely";
import { headerKey, readCsvTable, type CsvRecord } from "./csv.ts";
import type { Database } from "./schema.ts";
import { nowIso } from "./time.ts";

/** Past transactions imported from members' previous systems (migration 003). */
export interface LendingHistoryTable {
  id: Generated<number>;
  lender_code: string;
  borrower_code: string;
  requested_at: string;
  shipped_at: string | null;
  /** 1 when the lender supplied the item, 0 when it said no. */
  filled: number;
  source_key: string;
  imported_at: string;
}

export type LendingHistoryRow = Selectable<LendingHistoryTable>;
export type LendingHistoryDatabase = Database & { lending_history: LendingHistoryTable };

/** The same database with the lending_history table in its type. */
export function withLendingHistory(db: Kysely<Database>): Kysely<LendingHistoryDatabase> {
  return db.withTables<{
    lending_history: LendingHistoryTable;
  }>() as unknown as Kysely<LendingHistoryDatabase>;
}

type Column = "id" | "lender" | "borrower" | "requested" | "shipped" | "filled";

/** Header names accepted for each column (compared lower-case, letters and digits only). */
const HEADER_ALIASES: Record<Column, string[]> = {
  id: ["id", "transactionid", "requestid", "illnumber", "reference"],
  lender: ["lender", "lendercode", "lendinglibrary", "supplier", "suppliercode"],
  borrower: ["borrower", "borrowercode", "borrowinglibrary", "requester", "requestercode"],
  requested: ["requestedat", "requested", "requestdate", "daterequested", "sentat", "sent"],
  shipped: ["shippedat", "shipped", "shipdate", "dateshipped", "suppliedat", "supplied"],
  filled: ["filled", "fill", "outcome", "status"],
};

const FILLED_WORDS: Record<string, boolean> = {
  "1": true,
  y: true,
  yes: true,
  true: true,
  filled: true,
  shipped: true,
  supplied: true,
  loaned: true,
  delivered: true,
  "0": false,
  n: false,
  no: false,
  false: false,
  unfilled: false,
  notsupplied: false,
  not_supplied: false,
  declined: false,
  expired: false,
};

export interface LendingHistoryImportRow {
  /** Line of the CSV where the row starts. */
  line: number;
  outcome: "imported" | "duplicate" | "error";
  error?: string;
}

export interface LendingHistoryImportResult {
  imported: number;
  duplicates: number;
  failed: number;
  /** Rows that were not imported (errors and duplicates), with the reason. */
  rows: LendingHistoryImportRow[];
  /** A problem with the file as a whole (no header, missing required column); nothing imported. */
  error?: string;
}

interface PreparedRow {
  line: number;
  lender_code: string;
  borrower_code: string;
  requested_at: string;
  shipped_at: string | null;
  filled: number;
  source_key: string;
}

/** `YYYY-MM-DD` (midnight UTC), `YYYY-MM-DD HH:MM[:SS]` (UTC) or a full ISO timestamp with zone. */
function parseTimestamp(value: string, what: string): string {
  const text = value.trim();
  const dateOnly = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  const local = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)$/.exec(text);
  let iso: string | undefined;
  if (dateOnly) iso = `${text}T00:00:00.000Z`;
  else if (local) iso = `${local[1]}T${local[2]}Z`;
  else if (/^\d{4}-\d{2}-\d{2}T.+(Z|[+-]\d{2}:?\d{2})$/.test(text)) iso = text;
  const time = iso === undefined ? Number.NaN : Date.parse(iso);
  if (Number.isNaN(time))
    throw new Error(`${what} must be a date (YYYY-MM-DD) or ISO timestamp (got "${text.slice(0, 40)}")`);
  const normalised = new Date(time).toISOString();
  if (dateOnly && normalised.slice(0, 10) !== text) throw new Error(`${what} ${text} is not a date`);
  return normalised;
}

function prepareRow(
  record: CsvRecord,
  columns: Map<Column, number>,
  width: number,
  members: Set<string>,
  now: number,
): PreparedRow {
  if (record.error) throw new Error(record.error);
  if (record.fields.length !== width)
    throw new Error(`expected ${width} fields, found ${record.fields.length}`);
  const cell = (column: Column): string => {
    const index = columns.get(column);
    return index === undefined ? "" : (record.fields[index] ?? "").trim();
  };
  const lender = cell("lender").toUpperCase();
  const borrower = cell("borrower").toUpperCase();
  if (!lender) throw new Error("lender is empty");
  if (!members.has(lender))
    throw new Error(`lender ${lender.slice(0, 40)} is not a member code (add the member first)`);
  if (!borrower) throw new Error("borrower is empty");
  if (borrower.length > 64) throw new Error("borrower code is longer than 64 characters");
  if (lender === borrower) throw new Error("lender and borrower are the same member");

  const requestedRaw = cell("requested");
  if (!requestedRaw) throw new Error("requested_at is empty");
  const requested_at = parseTimestamp(requestedRaw, "requested_at");
  const shippedRaw = cell("shipped");
  const shipped_at = shippedRaw ? parseTimestamp(shippedRaw, "shipped_at") : null;
  if (Date.parse(requested_at) > now) throw new Error("requested_at is in the future");
  if (shipped_at && shipped_at < requested_at) throw new Error("shipped_at is before requested_at");

  const filledRaw = cell("filled");
  let filled: boolean;
  if (filledRaw) {
    const word =
      FILLED_WORDS[filledRaw.toLowerCase().replace(/[\s-]/g, "_")] ?? FILLED_WORDS[headerKey(filledRaw)];
    if (word === undefined)
      throw new Error(`filled must be yes/no, true/false or 1/0 (got "${filledRaw.slice(0, 40)}")`);
    filled = word;
  } else {
    filled = shipped_at !== null;
  }
  if (!filled && shipped_at) throw new Error("shipped_at is given for a request that was not filled");

  const id = cell("id");
  const source_key = id
    ? `id:${lender}:${id}`
    : `row:${lender}|${borrower}|${requested_at}|${shipped_at ?? ""}|${filled ? 1 : 0}`;
  return {
    line: record.line,
    lender_code: lender,
    borrower_code: borrower,
    requested_at,
    shipped_at,
    filled: filled ? 1 : 0,
    source_key,
  };
}

const BATCH = 500;

/**
 * Imports past transactions (header row naming lender, borrower, requested_at and optionally
 * shipped_at, filled and a transaction id) into lending_history, so the lender figures have
 * something to go on before live requests accumulate. Lenders must be member codes; borrowers may
 * be outside the pod. Rows already imported (same id, or same fields) are reported as duplicates;
 * every bad row is reported with its reason and never stops the others.
 */
export async function importLendingHistoryCsv(
  db: Kysely<Database>,
  csvText: string,
): Promise<LendingHistoryImportResult> {
  const result: LendingHistoryImportResult = { imported: 0, duplicates: 0, failed: 0, rows: [] };
  const { table, error } = readCsvTable(csvText, HEADER_ALIASES, ["lender", "borrower", "requested"]);
  if (!table) return { ...result, error };
  const { header, body, columns } = table;

  const members = new Set(
    (await db.selectFrom("libraries").select("code").execute()).map((l) => l.code.toUpperCase()),
  );
  const now = Date.now();
  const prepared: PreparedRow[] = [];
  const seen = new Set<string>();
  for (const record of body) {
    try {
      const row = prepareRow(record, columns, header.fields.length, members, now);
      if (seen.has(row.source_key)) {
        result.rows.push({
          line: row.line,
          outcome: "duplicate",
          error: "the same transaction appears earlier in the file",
        });
        continue;
      }
      seen.add(row.source_key);
      prepared.push(row);
    } catch (error) {
      result.rows.push({
        line: record.line,
        outcome: "error",
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

  const history = withLendingHistory(db);
  const importedAt = nowIso();
  for (let start = 0; start < prepared.length; start += BATCH) {
    const batch = prepared.slice(start, start + BATCH);
    const inserted = await history
      .insertInto("lending_history")
      .values(batch.map(({ line: _line, ...row }) => ({ ...row, imported_at: importedAt })))
      .onConflict((oc) => oc.column("source_key").doNothing())
      .returning("source_key")
      .execute();
    const keys = new Set(inserted.map((r) => r.source_key));
    for (const row of batch) {
      if (keys.has(row.source_key)) result.imported++;
      else result.rows.push({ line: row.line, outcome: "duplicate", error: "already imported" });
    }
  }

  result.rows.sort((a, b) => a.line - b.line);
  result.duplicates = result.rows.filter((r) => r.outcome === "duplicate").length;
  result.failed = result.rows.filter((r) => r.outcome === "error").length;
  return result;
}
