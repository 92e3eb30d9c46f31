import { t } from "$lib/i18n";
import type { LoanRequest } from "$lib/api-types";
import { requireRole } from "./guard";
import { loadRequestList } from "./request-pages";

type Fetch = typeof fetch;

/**
 * A staff queue for the signed-in member: the lending queue (pull list, returns) or the borrowing
 * queue (incoming). `keep` picks the requests the page is about.
 */
export async function loadQueue(
  event: { locals: App.Locals; url: URL; fetch: Fetch },
  side: "lending" | "borrowing",
  keep: (r: LoanRequest) => boolean,
): Promise<{ requests: LoanRequest[]; message?: string; library: string | null }> {
  const user = requireRole(event.locals, event.url, "staff", "admin");
  const library = user.library?.code ?? null;
  if (!library) return { requests: [], message: t("staff.noLibrary"), library };
  const list = await loadRequestList(event.fetch, `/v1/${side}/queue`, new URLSearchParams({ library }), user.auth);
  return { ...list, requests: list.requests.filter(keep), library };
}

/** The default due date offered when shipping: four weeks from today. */
export function defaultDueDate(now = new Date()): string {
  const due = new Date(now.getTime() + 28 * 24 * 60 * 60 * 1000);
  return due.toISOString().slice(0, 10);
}

const can = (r: LoanRequest, action: string, ...states: string[]) =>
  r.allowedActions.length > 0 ? r.allowedActions.includes(action) : states.includes(r.state);

export const onPullList = (r: LoanRequest) => can(r, "ship", "sent") || can(r, "deliver", "sent");
export const toReceive = (r: LoanRequest) => can(r, "receive", "shipped");
export const onLoanHere = (r: LoanRequest) => can(r, "return", "received", "overdue");
export const toCheckIn = (r: LoanRequest) => can(r, "complete", "returned");
export const isOverdue = (r: LoanRequest) => r.state === "overdue";

/** Whole days from a due date (YYYY-MM-DD) to today, in UTC; 0 when not yet due or unreadable. */
export function daysOverdue(dueDate: string | undefined, now = new Date()): number {
  if (!dueDate) return 0;
  const due = Date.parse(`${dueDate.slice(0, 10)}T00:00:00Z`);
  if (Number.isNaN(due)) return 0;
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Math.max(0, Math.round((today - due) / 86_400_000));
}

/** Longest overdue first; requests without a due date last. */
export function byDueDate(a: LoanRequest, b: LoanRequest): number {
  return (a.dueDate ?? "9999").localeCompare(b.dueDate ?? "9999");
}
