import { redirect } from "@sveltejs/kit";
import { adminWrite, formNumber, formText, listAdminLibraries, loadAsAdmin } from "$lib/server/admin";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = (event) =>
  loadAsAdmin(event, async (auth) => ({
    libraries: await listAdminLibraries(event.fetch, auth),
    today: new Date().toISOString().slice(0, 10),
  }));

export const actions: Actions = {
  add: async ({ request, locals, fetch }) => {
    const data = await request.formData();
    const values = {
      code: formText(data, "code").toUpperCase(),
      name: formText(data, "name"),
      timezone: formText(data, "timezone"),
      contactEmail: formText(data, "contactEmail"),
      latitude: formText(data, "latitude"),
      longitude: formText(data, "longitude"),
    };
    const latitude = formNumber(data, "latitude");
    const longitude = formNumber(data, "longitude");
    const result = await adminWrite(fetch, locals.auth, "POST", "/v1/admin/libraries", {
      code: values.code,
      name: values.name,
      ...(values.timezone && { timezone: values.timezone }),
      ...(values.contactEmail && { contactEmail: values.contactEmail }),
      ...(latitude !== undefined && { latitude }),
      ...(longitude !== undefined && { longitude }),
    }, { values });
    if (!result.ok) return result.failure;
    redirect(303, `/admin/members?added=${encodeURIComponent(values.code)}`);
  },
};
