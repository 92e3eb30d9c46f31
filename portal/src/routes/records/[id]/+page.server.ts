import { getRecord } from "$lib/server/api";
import { toPageError } from "$lib/server/page-errors";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ params, fetch }) => {
  try {
    return { record: await getRecord(fetch, params.id) };
  } catch (e) {
    // The API answers 400 to an id it cannot parse: for a visitor that is a missing record too.
    toPageError(e, { notFoundStatuses: [400, 404] });
  }
};
