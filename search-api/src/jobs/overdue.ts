import type { Kysely } from "kysely";
import type { Database } from "@interlend/db";
import { notifierFor } from "../notifications/sender.ts";
import { receivedPastDue } from "../repositories/requests.ts";
import { SYSTEM } from "../services/requests/access.ts";
import { applyAction } from "../services/requests/lifecycle.ts";
import { moveOne, type JobResult } from "./expiry.ts";

const BATCH = 5_000;

/** Loans still with the patron after their due date (YYYY-MM-DD, UTC day) become overdue; the patron is told. */
export async function runOverdueJob(db: Kysely<Database>, now: Date = new Date()): Promise<JobResult> {
  const today = now.toISOString().slice(0, 10);
  const rows = await receivedPastDue(db, today, BATCH);
  const result: JobResult = { checked: rows.length, changed: 0, skipped: [] };
  const at = now.toISOString();
  for (const row of rows) {
    const outcome = await moveOne(db, row.id, at, async (trx, request, notices) => {
      if (request.state !== "received") return false;
      await applyAction(trx, request, "mark_overdue", SYSTEM, { at, notices });
      return true;
    });
    if (outcome === true) result.changed++;
    else if (typeof outcome === "string") result.skipped.push({ requestId: row.id, reason: outcome });
  }
  if (result.changed > 0) notifierFor(db).kick();
  return result;
}
