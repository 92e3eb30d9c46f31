import type { Kysely } from "kysely";
import type { Database, RequestRow } from "@interlend/db";
import { problem } from "../../http/problem.ts";
import type { Notice } from "../../notifications/outbox.ts";
import { noticesFor, type NoticeFacts, type NoticeTrigger } from "../../notifications/request-notices.ts";
import { clusterTitle, findPatron, insertEvent, insertRecords, librariesById, updateRequestState, type LibraryRef, type StateChange } from "../../repositories/requests.ts";
import { SYSTEM, type Actor } from "./access.ts";
import { parseRota, type RotaEntry } from "./rota.ts";
import { checkTransition, isRequestState, type RequestAction, type RequestState, type ServiceType } from "./transitions.ts";

/**
 * Notices caused by the transitions of one transaction. They are written to the outbox at the end
 * of that transaction (so they exist exactly when the changes do) and mailed after it commits.
 */
export class NoticeQueue {
  private readonly pending: Array<{ trigger: NoticeTrigger; request: RequestRow }> = [];
  private patron?: { id: number; name: string; email: string | null };
  private title?: { clusterId: number; title: string };
  private libraries = new Map<number, LibraryRef>();

  /** Facts the caller already has (placing loaded the patron and the title; sending loads the libraries). */
  preload(facts: { patron?: { id: number; name: string; email: string | null }; title?: { clusterId: number; title: string }; libraries?: ReadonlyMap<number, LibraryRef> }): void {
    this.patron = facts.patron ?? this.patron;
    this.title = facts.title ?? this.title;
    for (const [id, library] of facts.libraries ?? []) this.libraries.set(id, library);
  }

  add(trigger: NoticeTrigger, request: RequestRow): void {
    this.pending.push({ trigger, request: { ...request } });
  }

  get size(): number {
    return this.pending.length;
  }

  /** Writes the queued notices in `trx`; returns how many were written. */
  async write(trx: Kysely<Database>, at: string): Promise<number> {
    const notices = await this.take(trx);
    await insertRecords(trx, { events: [], notices, at });
    return notices.length;
  }

  /** The queued notices, worded, and the queue emptied; reads (in `trx`) only facts not preloaded. */
  async take(trx: Kysely<Database>): Promise<Notice[]> {
    const notices: Notice[] = [];
    for (const { trigger, request } of this.pending) notices.push(...noticesFor(trigger, await this.factsFor(trx, request)));
    this.pending.length = 0;
    return notices;
  }

  private async factsFor(trx: Kysely<Database>, request: RequestRow): Promise<NoticeFacts> {
    if (this.patron?.id !== request.patron_id) {
      const row = await findPatron(trx, request.patron_id);
      this.patron = { id: request.patron_id, name: row?.name ?? "reader", email: row?.email ?? null };
    }
    if (this.title?.clusterId !== request.cluster_id) {
      this.title = { clusterId: request.cluster_id, title: (await clusterTitle(trx, request.cluster_id)) ?? `record ${request.cluster_id}` };
    }
    const missing = [request.borrower_library_id, request.lender_library_id].filter((id): id is number => id !== null && !this.libraries.has(id));
    if (missing.length > 0) for (const [id, library] of await librariesById(trx, missing)) this.libraries.set(id, library);
    const libraries = this.libraries;
    const lender = request.lender_library_id === null ? undefined : libraries.get(request.lender_library_id);
    return {
      requestId: request.id,
      title: this.title.title,
      serviceType: request.service_type,
      patron: { name: this.patron.name, email: this.patron.email },
      borrower: { name: libraries.get(request.borrower_library_id)?.name ?? "your library" },
      lender: lender ? { name: lender.name, contactEmail: lender.contactEmail } : null,
      pickupLocation: request.pickup_location,
      dueDate: request.due_date,
    };
  }
}

export interface TransitionContext {
  at: string;
  notices: NoticeQueue;
  reason?: string | null;
  dueDate?: string | null;
}

function stateOf(request: RequestRow): RequestState {
  if (!isRequestState(request.state)) throw new Error(`request ${request.id} is in an unknown state ${request.state}`);
  return request.state;
}

/** 409: the action is not possible in the request's current state. */
export function illegalTransition(request: RequestRow, action: string, allowed: readonly string[]) {
  return problem(
    409,
    "illegal-transition",
    "Not possible in this state",
    `Request ${request.id} is ${request.state}: "${action}" is not possible now. Allowed now: ${allowed.length > 0 ? allowed.join(", ") : "nothing (for you)"}.`,
    { requestId: request.id, state: request.state, action, allowedActions: [...allowed] },
  );
}

const NOTIFY_ON: Partial<Record<RequestState, NoticeTrigger>> = {
  sent: "sent",
  shipped: "shipped",
  delivered: "delivered",
  received: "received",
  not_supplied: "not_supplied",
  overdue: "overdue",
};

/**
 * Takes one action on a request inside `trx`: checks it against the transition table, changes the
 * state only if it is still what was read (optimistic concurrency: a concurrent change makes this
 * a 409), writes the event, queues the notices, and, when a lender said no, sends the request on
 * to the next lender in its rota (or marks it not supplied). Returns the request as it now is.
 */
export async function applyAction(trx: Kysely<Database>, request: RequestRow, action: RequestAction, actor: Actor, context: TransitionContext): Promise<RequestRow> {
  const state = stateOf(request);
  const check = checkTransition(action, state, request.service_type as ServiceType, actor.roles);
  if (!check.ok) {
    if (check.why === "illegal") throw illegalTransition(request, action, check.allowed);
    throw problem(403, "not-your-action", "Not yours to do", `Only ${check.transition.by.join(" or ")} may ${action} request ${request.id}.`, {
      requestId: request.id,
      state,
      allowedActions: check.allowed,
    });
  }
  if (action === "send") return sendToNextLender(trx, request, actor, context);

  const to = check.transition.to;
  const dueDate = action === "ship" ? (context.dueDate ?? null) : undefined;
  const moved = await updateRequestState(trx, request.id, state, { state: to, at: context.at, ...(dueDate !== undefined && { dueDate }) });
  if (!moved) throw changedMeanwhile(request);
  await insertEvent(trx, {
    requestId: request.id,
    at: context.at,
    actor: actor.label,
    from: state,
    to,
    lenderLibraryId: request.lender_library_id,
    reason: context.reason ?? null,
  });
  const next: RequestRow = { ...request, state: to, updated_at: context.at, ...(dueDate !== undefined && { due_date: dueDate }) };
  const trigger = NOTIFY_ON[to];
  if (trigger) context.notices.add(trigger, next);
  if (to === "unfilled") return sendToNextLender(trx, next, SYSTEM, { ...context, reason: null });
  return next;
}

function changedMeanwhile(request: RequestRow) {
  return problem(409, "request-changed", "Changed meanwhile", `Request ${request.id} was changed by someone else a moment ago; reload it and try again.`, {
    requestId: request.id,
  });
}

function suspended(until: string | null, at: string): boolean {
  if (!until) return false;
  const t = Date.parse(until);
  return !Number.isNaN(t) && t > Date.parse(at);
}

/** Where sending a request on leads: the state change, its event (less who and from where), and the notice. */
export interface SendPlan {
  change: StateChange & { state: "sent" | "not_supplied" };
  event: { to: "sent" | "not_supplied"; lenderLibraryId: number | null; reason: string | null };
  trigger: NoticeTrigger;
}

/**
 * Sending on from rota position `start`: to the first lender that is still a member and not
 * suspended at `at` (members removed or suspended since the rota was frozen are passed over), or
 * not_supplied when none is left. `libraries` holds the rota's members as they are now.
 */
export function planSend(rota: readonly RotaEntry[], start: number, libraries: ReadonlyMap<number, LibraryRef>, at: string): SendPlan {
  for (let position = start; position < rota.length; position++) {
    const lender = libraries.get(rota[position]!.libraryId);
    if (!lender || suspended(lender.suspendedUntil, at)) continue;
    return {
      change: { state: "sent", at, lenderLibraryId: lender.id, rotaPosition: position },
      event: { to: "sent", lenderLibraryId: lender.id, reason: null },
      trigger: "sent",
    };
  }
  return { change: { state: "not_supplied", at }, event: { to: "not_supplied", lenderLibraryId: null, reason: "rota exhausted" }, trigger: "not_supplied" };
}

/** The request as a state change leaves it. */
function changed(request: RequestRow, change: StateChange): RequestRow {
  return {
    ...request,
    state: change.state,
    updated_at: change.at,
    ...(change.lenderLibraryId !== undefined && { lender_library_id: change.lenderLibraryId }),
    ...(change.rotaPosition !== undefined && { rota_position: change.rotaPosition }),
    ...(change.dueDate !== undefined && { due_date: change.dueDate }),
  };
}

/**
 * submitted → sent to the first rota lender, or unfilled → sent to the next one; lenders removed or
 * suspended since the rota was frozen are passed over. No lender left → not_supplied.
 */
async function sendToNextLender(trx: Kysely<Database>, request: RequestRow, actor: Actor, context: TransitionContext): Promise<RequestRow> {
  const state = stateOf(request);
  const rota = parseRota(request.rota);
  const start = state === "submitted" ? 0 : request.rota_position + 1;
  // The borrower too: the notices of this transition name it (one query for both).
  const libraries = await librariesById(trx, [request.borrower_library_id, ...rota.slice(start).map((e) => e.libraryId)]);
  context.notices.preload({ libraries });
  const plan = planSend(rota, start, libraries, context.at);
  const moved = await updateRequestState(trx, request.id, state, plan.change);
  if (!moved) throw changedMeanwhile(request);
  await insertEvent(trx, { requestId: request.id, at: context.at, actor: actor.label, from: state, ...plan.event });
  const next = changed(request, plan.change);
  context.notices.add(plan.trigger, next);
  return next;
}
