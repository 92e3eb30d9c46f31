import { redirect } from "@sveltejs/kit";
import { requireRole } from "$lib/server/guard";
import { adminWrite, findByIdOr404, listAdminSources } from "$lib/server/admin";
import { toPageError } from "$lib/server/page-errors";
import { HOLDINGS_PRESETS, PROTOCOLS, sourceBody, sourceFormValues, testSourceEndpoint } from "$lib/server/source-form";
import type { Actions, PageServerLoad } from "./$types";

async function findSource(fetchFn: typeof fetch, auth: NonNullable<App.Locals["auth"]>, id: string) {
  let sources;
  try {
    sources = await listAdminSources(fetchFn, auth);
  } catch (e) {
    toPageError(e);
  }
  return findByIdOr404(sources, id);
}

export const load: PageServerLoad = async ({ locals, url, fetch, params }) => {
  const user = requireRole(locals, url, "admin");
  const source = await findSource(fetch, user.auth, params.id);
  // Which preset (if any) the stored mapping is: the API stores the preset's fields, not its name.
  const mapping = source.holdingsMapping as { tag?: unknown } | null;
  const presetByTag: Record<string, string> = { "952": "koha-952", "852": "marc21-852", "945": "iii-945", "949": "sirsi-949" };
  const preset = mapping && typeof mapping.tag === "string" ? presetByTag[mapping.tag] : undefined;
  return {
    source,
    values: {
      name: source.name,
      protocol: source.protocol,
      endpoint: source.endpoint,
      metadataPrefix: typeof source.options.metadataPrefix === "string" ? source.options.metadataPrefix : "",
      set: typeof source.options.set === "string" ? source.options.set : "",
      holdingsMapping: preset ?? "",
      schedule: source.schedule ?? "",
      timezone: source.timezone ?? "",
      enabled: source.enabled,
    },
    customMapping: mapping !== null && preset === undefined,
    protocols: PROTOCOLS,
    presets: HOLDINGS_PRESETS,
  };
};

export const actions: Actions = {
  save: async ({ request, locals, fetch, params }) => {
    const values = sourceFormValues(await request.formData());
    const current = locals.auth ? await findSource(fetch, locals.auth, params.id) : undefined;
    const result = await adminWrite(
      fetch,
      locals.auth,
      "PATCH",
      `/v1/admin/sources/${encodeURIComponent(params.id)}`,
      sourceBody(values, "update", current?.options ?? {}),
    );
    if (!result.ok) return result.failure;
    return { saved: true };
  },
  test: async ({ request, locals, fetch }) => {
    const values = sourceFormValues(await request.formData());
    return { values, test: await testSourceEndpoint(fetch, locals.auth, values) };
  },
  toggle: async ({ request, locals, fetch, params }) => {
    const enable = (await request.formData()).get("enable") === "true";
    const result = await adminWrite(fetch, locals.auth, "PATCH", `/v1/admin/sources/${encodeURIComponent(params.id)}`, { enabled: enable });
    if (!result.ok) return result.failure;
    return { saved: true };
  },
  harvest: async ({ locals, fetch, params }) => {
    const result = await adminWrite(fetch, locals.auth, "POST", `/v1/admin/sources/${encodeURIComponent(params.id)}/harvest`);
    if (!result.ok) return result.failure;
    redirect(303, `/admin/runs?source=${encodeURIComponent(params.id)}`);
  },
  delete: async ({ locals, fetch, params }) => {
    const result = await adminWrite(fetch, locals.auth, "DELETE", `/v1/admin/sources/${encodeURIComponent(params.id)}`);
    if (!result.ok) return result.failure;
    redirect(303, "/admin/sources");
  },
};
