/**
 * The request lifecycle as one table: every state, every action, who may take it, and where it
 * leads. Nothing else in the code decides whether a transition is legal.
 *
 * submitted → sent (RequestReceived) → shipped (Loaned) → received → returned (ShippedReturn) →
 * completed (LoanCompleted); copies: sent → delivered (CopyCompleted); a lender saying no (or not
 * answering in time: reason "expired") → unfilled → sent to the next rota lender, or not_supplied
 * when the rota is exhausted; cancelled before shipping; overdue after the due date.
 */

export const REQUEST_STATES = [
  "submitted",
  "sent",
  "unfilled",
  "shipped",
  "received",
  "overdue",
  "returned",
  "completed",
  "delivered",
  "not_supplied",
  "cancelled",
] as const;
export type RequestState = (typeof REQUEST_STATES)[number];

/** ISO 18626 status names kept alongside ours, for ReShare-style interoperability later. */
export const ISO18626_STATUS: Record<RequestState, string> = {
  submitted: "Idle",
  sent: "RequestReceived",
  unfilled: "Unfilled",
  shipped: "Loaned",
  received: "Loaned",
  overdue: "Overdue",
  returned: "ShippedReturn",
  completed: "LoanCompleted",
  delivered: "CopyCompleted",
  not_supplied: "Unfilled",
  cancelled: "Cancelled",
};

/** No action leads out of these. */
export const TERMINAL_STATES: readonly RequestState[] = ["completed", "delivered", "not_supplied", "cancelled"];
/** States that count against a patron's open-request limit and block a second request for the same title. */
export const ACTIVE_STATES: readonly RequestState[] = ["submitted", "sent", "unfilled", "shipped", "received", "overdue"];

/**
 * Who takes an action, relative to the request: the patron who placed it, staff of the borrowing
 * member, staff of the member it is currently with (the lender), or the system (placing and the
 * scheduled jobs). Consortium admins may act as borrower or lender staff.
 */
export type ActorRole = "patron" | "borrower" | "lender" | "system";

export const ACTIONS = ["send", "ship", "deliver", "unfill", "expire", "exhaust", "receive", "return", "complete", "cancel", "mark_overdue"] as const;
export type RequestAction = (typeof ACTIONS)[number];

/** Actions people take over the API (the rest belong to the system). */
export const USER_ACTIONS = ["ship", "deliver", "unfill", "receive", "return", "complete", "cancel"] as const;
export type UserAction = (typeof USER_ACTIONS)[number];

export type ServiceType = "loan" | "copy";

export interface Transition {
  action: RequestAction;
  from: readonly RequestState[];
  to: RequestState;
  by: readonly ActorRole[];
  /** Limited to one kind of request (ship a loan, deliver a copy). */
  serviceType?: ServiceType;
  /** The action needs a reason from UNFILLED_REASONS. */
  needsReason?: boolean;
  /** The action needs a due date (loans). */
  needsDueDate?: boolean;
  summary: string;
}

export const TRANSITIONS: readonly Transition[] = [
  { action: "send", from: ["submitted", "unfilled"], to: "sent", by: ["system"], summary: "send to the next lender in the rota" },
  { action: "ship", from: ["sent"], to: "shipped", by: ["lender"], serviceType: "loan", needsDueDate: true, summary: "the lender ships the item" },
  { action: "deliver", from: ["sent"], to: "delivered", by: ["lender"], serviceType: "copy", summary: "the lender delivers a copy (article, chapter)" },
  { action: "unfill", from: ["sent"], to: "unfilled", by: ["lender"], needsReason: true, summary: "the lender cannot supply" },
  { action: "expire", from: ["sent"], to: "unfilled", by: ["system"], summary: "the lender did not answer within the response window" },
  { action: "exhaust", from: ["submitted", "unfilled"], to: "not_supplied", by: ["system"], summary: "no lender left in the rota" },
  { action: "receive", from: ["shipped"], to: "received", by: ["borrower"], summary: "the borrowing library receives the item" },
  { action: "return", from: ["received", "overdue"], to: "returned", by: ["borrower"], summary: "the borrowing library sends the item back" },
  { action: "complete", from: ["returned"], to: "completed", by: ["lender"], summary: "the lender has the item back" },
  { action: "cancel", from: ["submitted", "sent"], to: "cancelled", by: ["patron", "borrower"], summary: "withdrawn before shipping" },
  { action: "mark_overdue", from: ["received"], to: "overdue", by: ["system"], summary: "past the due date" },
];

export const UNFILLED_REASONS = ["not_on_shelf", "damaged", "in_use", "policy", "other"] as const;
export type UnfilledReason = (typeof UNFILLED_REASONS)[number];

/** The transition `action` takes from `state`, if any (ignoring who asks). */
export function transitionFor(action: RequestAction, state: RequestState, serviceType: ServiceType): Transition | undefined {
  return TRANSITIONS.find((t) => t.action === action && t.from.includes(state) && (!t.serviceType || t.serviceType === serviceType));
}

/** The user actions `roles` may take on a request in `state`, in table order. */
export function allowedActions(state: RequestState, serviceType: ServiceType, roles: ReadonlySet<ActorRole>): UserAction[] {
  return USER_ACTIONS.filter((action) => {
    const t = transitionFor(action, state, serviceType);
    return t !== undefined && t.by.some((role) => roles.has(role));
  });
}

export function isRequestState(value: string): value is RequestState {
  return (REQUEST_STATES as readonly string[]).includes(value);
}

export type TransitionCheck =
  | { ok: true; transition: Transition }
  | { ok: false; why: "illegal"; allowed: UserAction[] }
  | { ok: false; why: "forbidden"; allowed: UserAction[]; transition: Transition };

/** Whether `roles` may take `action` on a request in `state`, and if not, why and what they may do instead. */
export function checkTransition(action: RequestAction, state: RequestState, serviceType: ServiceType, roles: ReadonlySet<ActorRole>): TransitionCheck {
  const allowed = allowedActions(state, serviceType, roles);
  const transition = transitionFor(action, state, serviceType);
  if (!transition) return { ok: false, why: "illegal", allowed };
  if (!transition.by.some((role) => roles.has(role))) return { ok: false, why: "forbidden", allowed, transition };
  return { ok: true, transition };
}
