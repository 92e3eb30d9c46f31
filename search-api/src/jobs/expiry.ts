import type { Kysely } from "kysely";
import { getPodSettings, openingHoursOf, type Database, type PodSettings } from "@interlend/db";
import { HttpProblem } from "../http/problem.ts";
import { notifierFor } from "../notifications/sender.ts";
import { findRequest, sentBefore } from "../repositories/requests.ts";
import { SYSTEM } from "../services/requests/access.ts";
import { applyAction, NoticeQueue } from "../services/requests/lifecycle.ts";
import { addBusinessHours } from "./business-hours.ts";

export interface JobResult {
  checked: number;
  changed: number;
  /** Requests another process moved first, or that failed (with why). */
  skipped: Array<{ requestId: number; reason: string }>;
}

const BATCH = 5_000;

/**
 * Lenders that have not answered within the pod's response window (business hours in the
 * LENDER's time zone and opening hours: its closed weekdays and dates do not count) are skipped: the request becomes unfilled with reason "expired" and moves
 * to the next lender in its rota, or to not_supplied. Safe to run in several processes at once
 * (a request another run moved first is skipped).
 */
export async function runExpiryJob(db: Kysely<Database>, now: Date = new Date(), options: { settings?: PodSettings } = {}): Promise<JobResult> {
  const settings = options.settings ?? (await getPodSettings(db));
  const windowHours = settings.responseWindowHours;
  // Business hours never run faster than the wall clock: nothing sent later than this can be due.
  const candidates = await sentBefore(db, new Date(now.getTime() - windowHours * 3_600_000).toISOString(), BATCH);
  const result: JobResult = { checked: candidates.length, changed: 0, skipped: [] };
  const at = now.toISOString();
  for (const row of candidates) {
    const deadline = addBusinessHours(Date.parse(row.updated_at), windowHours, row.timezone, openingHoursOf(row));
    if (deadline > now.getTime()) continue;
    const outcome = await moveOne(db, row.id, at, async (trx, request, notices) => {
      if (request.state !== "sent" || request.updated_at !== row.updated_at) return false;
      await applyAction(trx, request, "expire", SYSTEM, { at, notices, reason: "expired" });
      return true;
    });
    if (outcome === true) result.changed++;
    else if (typeof outcome === "string") result.skipped.push({ requestId: row.id, reason: outcome });
  }
  if (result.changed > 0) notifierFor(db).kick();
  return result;
}

/** One request's change in its own transaction: true when changed, false when nothing to do, a string when it failed. */
export async function moveOne(
  db: Kysely<Database>,
  requestId: number,
  at: string,
  change: (trx: Kysely<Database>, request: NonNullable<Awaited<ReturnType<typeof findRequest>>>, notices: NoticeQueue) => Promise<boolean>,
): Promise<boolean | string> {
  try {
    return await db.transaction().execute(async (trx) => {
      const request = await findRequest(trx, requestId);
      if (!request) return false;
      const notices = new NoticeQueue();
      const changed = await change(trx, request, notices);
      await notices.write(trx, at);
      return changed;
    });
  } catch (error) {
    if (error instanceof HttpProblem) return error.problem.detail ?? error.problem.title;
    return (error as Error).message ?? String(error);
  }
}
