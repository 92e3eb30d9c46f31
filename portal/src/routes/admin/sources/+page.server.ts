import { redirect } from "@sveltejs/kit";
import { adminWrite, formText, listAdminLibraries, listAdminSources, loadAsAdmin } from "$lib/server/admin";
import { HOLDINGS_PRESETS, PROTOCOLS, sourceBody, sourceFormValues, testSourceEndpoint } from "$lib/server/source-form";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = (event) =>
  loadAsAdmin(event, async (auth) => {
    const [sources, libraries] = await Promise.all([listAdminSources(event.fetch, auth), listAdminLibraries(event.fetch, auth)]);
    return {
      sources,
      libraries: libraries.map((l) => ({ code: l.code, name: l.name })),
      protocols: PROTOCOLS,
      presets: HOLDINGS_PRESETS,
    };
  });

export const actions: Actions = {
  add: async ({ request, locals, fetch }) => {
    const values = sourceFormValues(await request.formData());
    const result = await adminWrite(fetch, locals.auth, "POST", "/v1/admin/sources", sourceBody(values, "create"), { values });
    if (!result.ok) return result.failure;
    redirect(303, `/admin/sources?added=${encodeURIComponent(values.name)}`);
  },
  test: async ({ request, locals, fetch }) => {
    const values = sourceFormValues(await request.formData());
    return { values, test: await testSourceEndpoint(fetch, locals.auth, values) };
  },
  harvest: async ({ request, locals, fetch }) => {
    const id = formText(await request.formData(), "id");
    const result = await adminWrite(fetch, locals.auth, "POST", `/v1/admin/sources/${encodeURIComponent(id)}/harvest`, undefined, { id });
    if (!result.ok) return result.failure;
    redirect(303, `/admin/runs?source=${encodeURIComponent(id)}`);
  },
};
