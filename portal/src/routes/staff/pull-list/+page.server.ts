import { runRequestAction, UNFILL_REASONS } from "$lib/server/request-pages";
import { defaultDueDate, loadQueue, onPullList } from "$lib/server/staff";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => ({
  ...(await loadQueue(event, "lending", onPullList)),
  reasons: [...UNFILL_REASONS],
  dueDate: defaultDueDate(),
});

export const actions: Actions = {
  act: ({ request, locals, fetch }) => runRequestAction(fetch, request, locals.auth),
};
