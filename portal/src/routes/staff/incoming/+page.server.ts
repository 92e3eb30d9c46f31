import { runRequestAction } from "$lib/server/request-pages";
import { loadQueue, onLoanHere, toReceive } from "$lib/server/staff";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  const queue = await loadQueue(event, "borrowing", (r) => toReceive(r) || onLoanHere(r));
  return {
    ...queue,
    incoming: queue.requests.filter(toReceive),
    onLoan: queue.requests.filter((r) => !toReceive(r) && onLoanHere(r)),
  };
};

export const actions: Actions = {
  act: ({ request, locals, fetch }) => runRequestAction(fetch, request, locals.auth),
};
