import { searchCatalogue } from "$lib/server/api";
import { toPageError } from "$lib/server/page-errors";
import { PAGE_SIZE, parseSearchState } from "$lib/search/params";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ url, fetch }) => {
  const state = parseSearchState(url.searchParams);
  try {
    const response = await searchCatalogue(fetch, { ...state, limit: PAGE_SIZE });
    return { state, response };
  } catch (e) {
    toPageError(e);
  }
};
