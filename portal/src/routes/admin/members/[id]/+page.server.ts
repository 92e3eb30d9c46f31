import { redirect } from "@sveltejs/kit";
import { adminWrite, DEFAULT_OPENING_HOURS, findByIdOr404, formNumber, formText, listAdminLibraries, loadAsAdmin, openingHoursFromForm } from "$lib/server/admin";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = (event) =>
  loadAsAdmin(event, async (auth) => {
    const library = findByIdOr404(await listAdminLibraries(event.fetch, auth), event.params.id);
    return { library, hours: library.openingHours ?? DEFAULT_OPENING_HOURS };
  });

export const actions: Actions = {
  save: async ({ request, locals, fetch, params }) => {
    const data = await request.formData();
    const latitude = formNumber(data, "latitude");
    const longitude = formNumber(data, "longitude");
    const contactEmail = formText(data, "contactEmail");
    const suspendedUntil = formText(data, "suspendedUntil");
    const timezone = formText(data, "timezone");
    const result = await adminWrite(fetch, locals.auth, "PATCH", `/v1/admin/libraries/${encodeURIComponent(params.id)}`, {
      name: formText(data, "name"),
      ...(timezone && { timezone }),
      contactEmail: contactEmail || null,
      latitude: latitude ?? null,
      longitude: longitude ?? null,
      suspendedUntil: suspendedUntil || null,
      openingHours: openingHoursFromForm(data),
    });
    if (!result.ok) return result.failure;
    return { saved: true };
  },
  resume: async ({ locals, fetch, params }) => {
    const result = await adminWrite(fetch, locals.auth, "PATCH", `/v1/admin/libraries/${encodeURIComponent(params.id)}`, {
      suspendedUntil: null,
    });
    if (!result.ok) return result.failure;
    redirect(303, `/admin/members/${encodeURIComponent(params.id)}`);
  },
};
