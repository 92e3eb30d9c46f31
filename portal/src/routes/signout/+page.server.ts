import { redirect } from "@sveltejs/kit";
import { clearAuth, signOutAtApi } from "$lib/server/session";
import type { Actions, PageServerLoad } from "./$types";

/** Signing out is a POST (the header's form); a GET here just goes home. */
export const load: PageServerLoad = () => {
  redirect(303, "/");
};

export const actions: Actions = {
  default: async ({ locals, cookies, url }) => {
    if (locals.auth) await signOutAtApi(fetch, locals.auth);
    clearAuth(cookies, url.protocol === "https:");
    redirect(303, "/");
  },
};
