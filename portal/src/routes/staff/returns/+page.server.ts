import { runRequestAction } from "$lib/server/request-pages";
import { loadQueue, toCheckIn } from "$lib/server/staff";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = (event) => loadQueue(event, "lending", toCheckIn);

export const actions: Actions = {
  act: ({ request, locals, fetch }) => runRequestAction(fetch, request, locals.auth),
};
