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

/**
 * Every copy of a union record (cluster) with its holding member (the bib's library): coordinates,
 * suspension, and when its status was last harvested (the later of the bib's last change and the
 * start of its source's last successful run). Undefined when no member record is in the cluster.
 */
export async function loadCandidates(
  db: Kysely<Database>,
  clusterId: number,
): Promise<CandidateCopy[] | undefined> {
  const rows = await db
    .selectFrom("bib_records as b")
    .innerJoin("libraries as l", "l.id", "b.library_id")
    .leftJoin("items as i", "i.bib_id", "b.id")
    .select([
      "b.source_id",
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
    .where("b.cluster_id", "=", clusterId)
    .execute();
  if (rows.length === 0) return undefined;

  const sourceIds = [...new Set(rows.map((r) => r.source_id))];
  const runs = await db
    .selectFrom("harvest_runs")
    .select(["source_id", (eb) => eb.fn.max("started_at").as("last_success")])
    .where("source_id", "in", sourceIds)
    .where("status", "in", ["succeeded", "partial"])
    .groupBy("source_id")
    .execute();
  const lastRun = new Map(runs.map((r) => [r.source_id, r.last_success as string | null]));

  const copies: CandidateCopy[] = [];
  for (const row of rows) {
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
      statusAsOf: later(row.updated_at, lastRun.get(row.source_id) ?? null),
    });
  }
  copies.sort((a, b) => a.itemId - b.itemId);
  return copies;
}
