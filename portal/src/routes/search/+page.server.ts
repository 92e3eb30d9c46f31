import { redirect } from "@sveltejs/kit";
import { resolve } from "$app/paths";
import type { PageServerLoad } from "./$types";

/** /search is an alias of the search page at /, kept so old and guessed links work. */
export const load: PageServerLoad = ({ url }) => {
  // resolve() may be relative during server rendering; anchor it to this URL for the Location.
  const home = new URL(resolve("/"), url);
  redirect(307, `${home.pathname}${url.search}`);
};
