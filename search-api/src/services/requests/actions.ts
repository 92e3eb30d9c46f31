import type { Kysely } from "kysely";
import type { Database, RequestRow } from "@interlend/db";
import type { Principal } from "../../auth/principal.ts";
import { problem } from "../../http/problem.ts";
import { notifierFor, type Notifier } from "../../notifications/sender.ts";
import { findRequest } from "../../repositories/requests.ts";
import { actorOf, rolesFor } from "./access.ts";
import { applyAction, illegalTransition, NoticeQueue } from "./lifecycle.ts";
import { checkTransition, isRequestState, UNFILLED_REASONS, type ServiceType, type UserAction } from "./transitions.ts";

export interface ActionInput {
  requestId: number;
  principal: Principal;
  action: UserAction;
  reason?: string;
  /** Loans: YYYY-MM-DD the item is due back at the lender. */
  dueDate?: string;
  now?: Date;
}

function invalid(path: string, message: string) {
  return problem(400, "invalid-parameters", "Invalid request body", `Check ${path}: ${message}`, { errors: [{ path, message }] });
}

/**
 * The request if the principal may see it. A patron gets 404 for anyone else's request (whether it
 * exists is nobody else's business); staff of a member with no part in it get 403.
 */
export async function visibleRequest(db: Kysely<Database>, requestId: number, principal: Principal | undefined): Promise<RequestRow> {
  const request = await findRequest(db, requestId);
  const notFound = problem(404, "not-found", "Request not found", `No request ${requestId} that you can see.`);
  if (!request) throw notFound;
  if (rolesFor(principal, request).size === 0) {
    if (!principal || principal.kind === "patron") throw notFound;
    throw problem(403, "forbidden-library", "Not your library's request", `Request ${requestId} is neither borrowed by nor sent to your library.`);
  }
  return request;
}

/** Checks the parameters an action needs; returns the reason and due date to record. */
function actionParameters(input: ActionInput, now: Date): { reason: string | null; dueDate: string | null } {
  if (input.action === "unfill") {
    const reason = input.reason?.trim();
    if (!reason || !(UNFILLED_REASONS as readonly string[]).includes(reason)) {
      throw invalid("reason", `say why with one of ${UNFILLED_REASONS.join(", ")}`);
    }
    return { reason, dueDate: null };
  }
  if (input.action === "ship") {
    const due = input.dueDate?.trim();
    if (!due) throw invalid("dueDate", "a loan needs the date it is due back (YYYY-MM-DD)");
    const match = /^(\d{4})-(\d{2})-(\d{2})(?:T.*)?$/.exec(due);
    const day = match ? `${match[1]}-${match[2]}-${match[3]}` : "";
    if (!match || Number.isNaN(Date.parse(`${day}T00:00:00Z`)) || new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) !== day) {
      throw invalid("dueDate", "not a date (YYYY-MM-DD)");
    }
    if (day < now.toISOString().slice(0, 10)) throw invalid("dueDate", "the due date is in the past");
    return { reason: null, dueDate: day };
  }
  return { reason: input.reason?.trim().slice(0, 500) || null, dueDate: null };
}

/**
 * A person's action on a request (ship, deliver, unfill, receive, return, complete, cancel):
 * visible → legal in this state (409 with what is allowed) → theirs to take (403) → parameters
 * (400) → applied in one transaction with its event and notices; notices mailed after commit.
 */
export async function performAction(db: Kysely<Database>, input: ActionInput, options: { notifier?: Notifier } = {}): Promise<RequestRow> {
  const now = input.now ?? new Date();
  const request = await visibleRequest(db, input.requestId, input.principal);
  const actor = actorOf(input.principal, request);
  if (isRequestState(request.state)) {
    const check = checkTransition(input.action, request.state, request.service_type as ServiceType, actor.roles);
    if (!check.ok && check.why === "illegal") throw illegalTransition(request, input.action, check.allowed);
  }
  const { reason, dueDate } = actionParameters(input, now);
  const at = now.toISOString();
  const notices = new NoticeQueue();
  const updated = await db.transaction().execute(async (trx) => {
    const fresh = await findRequest(trx, input.requestId);
    if (!fresh) throw problem(404, "not-found", "Request not found", `No request ${input.requestId} that you can see.`);
    const next = await applyAction(trx, fresh, input.action, actorOf(input.principal, fresh), { at, notices, reason, dueDate });
    await notices.write(trx, at);
    return next;
  });
  (options.notifier ?? notifierFor(db)).kick();
  return updated;
}
