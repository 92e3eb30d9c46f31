import { error, redirect } from "@sveltejs/kit";
import { t } from "$lib/i18n";
import { requireRole } from "$lib/server/guard";
import { adminWrite, formNumber, formText, listAdminLibraries } from "$lib/server/admin";
import { toPageError } from "$lib/server/page-errors";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ locals, url, fetch, params }) => {
  const user = requireRole(locals, url, "admin");
  let libraries;
  try {
    libraries = await listAdminLibraries(fetch, user.auth);
  } catch (e) {
    toPageError(e);
  }
  const library = libraries.find((l) => String(l.id) === params.id);
  if (!library) error(404, { message: t("error.notFoundTitle"), kind: "not-found" });
  return { library };
};

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
