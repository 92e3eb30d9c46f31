/** Shared factories for the ranking tests: members, titles with copies, and past requests. */
import type { Kysely } from "kysely";
import { createLibrary, createSource, type Database, type Library } from "@interlend/db";
import type {
  CandidateCopy,
  LenderFigures,
  TurnaroundFigures,
} from "@interlend/search-api/services/ranking/index";

export const DAY_MS = 86_400_000;

export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

// ---------------------------------------------------------------------------------------------
// Pure inputs
// ---------------------------------------------------------------------------------------------

let nextItem = 1;

export function copy(libraryId: number, code: string, overrides: Partial<CandidateCopy> = {}): CandidateCopy {
  return {
    itemId: nextItem++,
    libraryId,
    libraryCode: code,
    libraryName: `${code} Library`,
    latitude: null,
    longitude: null,
    suspendedUntil: null,
    barcode: `${code}-${nextItem}`,
    callNumber: `QA76 ${code}`,
    location: "Stacks",
    status: "available",
    dueDate: null,
    lendable: true,
    loanType: "returnable",
    statusSource: "harvest",
    statusAsOf: "2025-06-01T09:00:00.000Z",
    ...overrides,
  };
}

export function figures(
  libraryId: number,
  f: { filled: number; unfilled?: number; median: number | null; lent?: number; borrowed?: number },
): LenderFigures {
  const unfilled = f.unfilled ?? 0;
  const answered = f.filled + unfilled;
  return {
    libraryId,
    received: answered,
    filled: f.filled,
    unfilled,
    pending: 0,
    fillRate: answered > 0 ? f.filled / answered : null,
    medianTurnaroundDays: f.median,
    p90TurnaroundDays: f.median,
    turnaroundSamples: f.median === null ? 0 : f.filled,
    lent: f.lent ?? f.filled,
    borrowed: f.borrowed ?? 0,
  };
}

export const POD: TurnaroundFigures = {
  received: 500,
  filled: 400,
  unfilled: 100,
  pending: 0,
  fillRate: 0.8,
  medianTurnaroundDays: 3,
  p90TurnaroundDays: 6,
  turnaroundSamples: 400,
};

export const WEIGHTS = {
  turnaroundWeight: 1,
  loadBalanceWeight: 0.05,
  loadBalanceCapDays: 3,
  distanceWeight: 0,
  priorRequests: 10,
  windowDays: 90,
};

// ---------------------------------------------------------------------------------------------
// Database rows
// ---------------------------------------------------------------------------------------------

export interface Member {
  library: Library;
  sourceId: number;
}

export async function member(
  db: Kysely<Database>,
  code: string,
  extra: { latitude?: number; longitude?: number; suspendedUntil?: string } = {},
): Promise<Member> {
  const library = await createLibrary(db, { code, name: `${code} Library`, ...extra });
  const source = await createSource(db, {
    libraryId: library.id,
    name: `${code}-file`,
    protocol: "file",
    endpoint: `${code}.mrc`,
  });
  return { library, sourceId: source.id };
}

export async function cluster(db: Kysely<Database>): Promise<number> {
  const now = iso(Date.now());
  const row = await db
    .insertInto("clusters")
    .values({ created_at: now, updated_at: now })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export interface ItemSpec {
  barcode?: string;
  callNumber?: string;
  status?: "available" | "on_loan" | "missing" | "not_lendable";
  dueDate?: string | null;
  lendable?: boolean;
  loanType?: "returnable" | "non_returnable";
}

let nextLocal = 1;

/** One member record in the cluster with its copies. */
export async function holding(
  db: Kysely<Database>,
  clusterId: number,
  holder: Member,
  items: ItemSpec[],
  updatedAt = iso(Date.now()),
): Promise<number> {
  const bib = await db
    .insertInto("bib_records")
    .values({
      library_id: holder.library.id,
      source_id: holder.sourceId,
      local_id: `L${nextLocal++}`,
      cluster_id: clusterId,
      title: "A title",
      data: "{}",
      marc: "{}",
      content_hash: `h${nextLocal}`,
      datestamp: null,
      updated_at: updatedAt,
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  for (const [index, item] of items.entries()) {
    await db
      .insertInto("items")
      .values({
        bib_id: bib.id,
        library_id: holder.library.id,
        barcode: item.barcode ?? `${holder.library.code}-${bib.id}-${index}`,
        call_number: item.callNumber ?? `QA76.${bib.id}`,
        location: "Stacks",
        status: item.status ?? "available",
        due_date: item.dueDate ?? null,
        lendable: item.lendable === false ? 0 : 1,
        loan_type: item.loanType ?? "returnable",
      })
      .execute();
  }
  return bib.id;
}

export async function patron(db: Kysely<Database>, libraryId: number): Promise<number> {
  const row = await db
    .insertInto("patrons")
    .values({
      library_id: libraryId,
      card_number: `C${Math.random().toString(36).slice(2)}`,
      name: "Pat",
      email: null,
      pin_hash: "x",
      status: "active",
      expires_at: null,
      created_at: iso(Date.now()),
    })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

export type Outcome = "shipped" | "delivered" | "unfilled" | "expired" | "pending" | "cancelled";

export interface PastRequest {
  borrower: number;
  lender: number;
  patronId: number;
  clusterId: number;
  sentAt: number;
  outcome: Outcome;
  /** Days from sent to shipped / delivered. */
  turnaroundDays?: number;
}

type EventRow = {
  request_id: number;
  at: string;
  actor: string;
  from_state: string | null;
  to_state: string;
  lender_library_id: number | null;
  reason: string | null;
};

function eventsFor(requestId: number, r: PastRequest): EventRow[] {
  const base = { request_id: requestId, actor: "test", reason: null };
  const events: EventRow[] = [
    { ...base, at: iso(r.sentAt - 60_000), from_state: null, to_state: "submitted", lender_library_id: null },
    { ...base, at: iso(r.sentAt), from_state: "submitted", to_state: "sent", lender_library_id: r.lender },
  ];
  const answeredAt = iso(r.sentAt + (r.turnaroundDays ?? 1) * DAY_MS);
  if (r.outcome !== "pending")
    events.push({
      ...base,
      at: answeredAt,
      from_state: "sent",
      to_state: r.outcome,
      lender_library_id: r.lender,
    });
  if (r.outcome === "shipped")
    events.push({
      ...base,
      at: iso(r.sentAt + ((r.turnaroundDays ?? 1) + 3) * DAY_MS),
      from_state: "shipped",
      to_state: "received",
      lender_library_id: r.lender,
    });
  return events;
}

/** Inserts requests with their events, in batches (fast enough for 100,000 events). */
export async function pastRequests(
  db: Kysely<Database>,
  requests: PastRequest[],
  batch = 500,
): Promise<number> {
  let events = 0;
  for (let start = 0; start < requests.length; start += batch) {
    const slice = requests.slice(start, start + batch);
    const ids = await db
      .insertInto("requests")
      .values(
        slice.map((r) => ({
          patron_id: r.patronId,
          borrower_library_id: r.borrower,
          cluster_id: r.clusterId,
          pickup_location: null,
          service_type: "loan" as const,
          state: r.outcome === "pending" ? "sent" : r.outcome === "shipped" ? "received" : r.outcome,
          rota: "[]",
          rota_position: 0,
          lender_library_id: r.lender,
          idempotency_key: null,
          due_date: null,
          created_at: iso(r.sentAt - 60_000),
          updated_at: iso(r.sentAt),
        })),
      )
      .returning("id")
      .execute();
    const rows = slice.flatMap((r, i) => eventsFor(ids[i]!.id, r));
    for (let e = 0; e < rows.length; e += 1000)
      await db
        .insertInto("request_events")
        .values(rows.slice(e, e + 1000))
        .execute();
    events += rows.length;
  }
  return events;
}
