import type { Kysely } from "kysely";
import type { Database } from "@interlend/db";
import type { CandidateCopy, ItemStatus } from "../services/ranking/types.ts";

const ITEM_STATUSES: ReadonlySet<string> = new Set<ItemStatus>([
  "available",
  "on_loan",
  "missing",
  "not_lendable",
  "unknown",
]);

function later(a: string | null, b: string | null): string | null {
  if (!a) return b;
  if (!b) return a;
  return a > b ? a : b;
}

/** A member record in a union record (cluster): what the title is taken from. */
export interface MemberRecord {
  bibId: number;
  libraryId: number;
  title: string;
}

/** What one read of a union record gives: its member records, their copies, and today's sends per holder. */
export interface Holdings {
  records: MemberRecord[];
  copies: CandidateCopy[];
  /** Requests sent today to each holding member (absent: none). */
  sentToday: Map<number, number>;
}

const HARVESTED = ["succeeded", "partial"] as const;

/**
 * Every copy of a union record (cluster) with its holding member (the bib's library): coordinates,
 * suspension, when its status was last harvested (the later of the bib's last change and the start
 * of its source's last successful run), and how many requests were sent to the member on UTC day
 * `sentOn` (YYYY-MM-DD). One statement: the source's last run and the day's sends are per-row
 * subqueries, each one index probe. Undefined when no member record is in the cluster.
 */
export async function loadHoldings(db: Kysely<Database>, clusterId: number, sentOn: string): Promise<Holdings | undefined> {
  const rows = await db
    .selectFrom("bib_records as b")
    .innerJoin("libraries as l", "l.id", "b.library_id")
    .leftJoin("items as i", "i.bib_id", "b.id")
    .select([
      "b.id as bib_id",
      "b.title",
      "b.updated_at",
      "b.library_id",
      "l.code",
      "l.name",
      "l.latitude",
      "l.longitude",
      "l.suspended_until",
      "i.id as item_id",
      "i.barcode",
      "i.call_number",
      "i.location",
      "i.status",
      "i.due_date",
      "i.lendable",
      "i.loan_type",
    ])
    .select((eb) => [
      eb
        .selectFrom("harvest_runs as h")
        .select("h.started_at")
        .whereRef("h.source_id", "=", "b.source_id")
        .where("h.status", "in", HARVESTED)
        .orderBy("h.started_at", "desc")
        .limit(1)
        .as("last_success"),
      eb
        .selectFrom("lender_daily_sends as s")
        .select("s.sent")
        .whereRef("s.lender_library_id", "=", "b.library_id")
        .where("s.day", "=", sentOn)
        .as("sent_today"),
    ])
    .where("b.cluster_id", "=", clusterId)
    .execute();
  if (rows.length === 0) return undefined;

  const records = new Map<number, MemberRecord>();
  const sentToday = new Map<number, number>();
  const copies: CandidateCopy[] = [];
  for (const row of rows) {
    records.set(row.bib_id, { bibId: row.bib_id, libraryId: row.library_id, title: row.title });
    if (row.sent_today !== null) sentToday.set(row.library_id, Number(row.sent_today));
    if (row.item_id === null) continue;
    copies.push({
      itemId: row.item_id,
      libraryId: row.library_id,
      libraryCode: row.code,
      libraryName: row.name,
      latitude: row.latitude === null ? null : Number(row.latitude),
      longitude: row.longitude === null ? null : Number(row.longitude),
      suspendedUntil: row.suspended_until,
      barcode: row.barcode,
      callNumber: row.call_number,
      location: row.location,
      status: row.status && ITEM_STATUSES.has(row.status) ? (row.status as ItemStatus) : "unknown",
      dueDate: row.due_date,
      lendable: row.lendable === 1,
      loanType: row.loan_type === "non_returnable" ? "non_returnable" : "returnable",
      statusSource: "harvest",
      statusAsOf: later(row.updated_at, row.last_success),
    });
  }
  copies.sort((a, b) => a.itemId - b.itemId);
  return { records: [...records.values()], copies, sentToday };
}

/** The title of a union record from its member records: `preferLibraryId`'s record when it has one, else the oldest. */
export function clusterTitleOf(records: readonly MemberRecord[], preferLibraryId?: number | null): string | undefined {
  const sorted = [...records].sort((a, b) => a.bibId - b.bibId);
  return (sorted.find((r) => r.libraryId === preferLibraryId) ?? sorted[0])?.title;
}

/** Lendable copies on the shelf per member, as harvested (a loan needs a returnable copy). */
export function shelfCopiesByLender(copies: readonly CandidateCopy[], serviceType: "loan" | "copy"): Map<number, number> {
  const counts = new Map<number, number>();
  for (const copy of copies) {
    if (copy.status !== "available" || !copy.lendable) continue;
    if (serviceType === "loan" && copy.loanType !== "returnable") continue;
    counts.set(copy.libraryId, (counts.get(copy.libraryId) ?? 0) + 1);
  }
  return counts;
}
