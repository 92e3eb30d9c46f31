import { runRequestAction } from "$lib/server/request-pages";
import { byDueDate, daysOverdue, isOverdue, loadQueue } from "$lib/server/staff";
import type { Actions, PageServerLoad } from "./$types";

/** The borrowing member's overdue loans (GET /v1/borrowing/queue → overdue), longest overdue first. */
export const load: PageServerLoad = async (event) => {
  const queue = await loadQueue(event, "borrowing", isOverdue);
  const requests = [...queue.requests].sort(byDueDate);
  const now = new Date();
  return { ...queue, requests, days: Object.fromEntries(requests.map((r) => [r.id, daysOverdue(r.dueDate, now)])) };
};

export const actions: Actions = {
  act: ({ request, locals, fetch }) => runRequestAction(fetch, request, locals.auth),
};
