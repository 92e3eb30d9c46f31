import { requireRole } from "$lib/server/guard";
import { loadRequestList, runRequestAction } from "$lib/server/request-pages";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ locals, url, fetch }) => {
  const user = requireRole(locals, url, "patron");
  return loadRequestList(fetch, "/v1/requests", new URLSearchParams({ mine: "1" }), user.auth);
};

export const actions: Actions = {
  act: ({ request, locals, fetch }) => runRequestAction(fetch, request, locals.auth),
};
