import { redirect } from "@sveltejs/kit";
import type { RankedCopies, SearchHit } from "$lib/api-types";
import { adminGet, adminWrite, formText, listAdminLibraries, loadAsAdmin } from "$lib/server/admin";
import { getCopies, getRecord, searchCatalogue, type ApiAuth } from "$lib/server/api";
import { problemMessage } from "$lib/server/problem-message";
import { settingsAsValues, settingsFormValues, settingsPatch, type PodSettings } from "$lib/server/settings";
import type { Actions, PageServerLoad } from "./$types";

const RECORD_ID = /^[A-Za-z0-9_-]{1,64}$/;
const CODE = /^[A-Za-z0-9_-]{1,32}$/;

interface Preview {
  q: string;
  recordId?: string;
  title?: string;
  copies?: RankedCopies;
  others: Array<{ id: string; title: string }>;
  message?: string;
}

/** The title to preview: the one asked for, else the first match held by several members. */
function pick(hits: SearchHit[], record: string | undefined): SearchHit | undefined {
  return hits.find((h) => h.id === record) ?? hits.find((h) => h.libraries.length > 1) ?? hits[0];
}

async function preview(fetchFn: typeof fetch, auth: ApiAuth, q: string, record: string | undefined, borrower: string): Promise<Preview> {
  try {
    const hits = q ? (await searchCatalogue(fetchFn, { q, format: [], language: [], library: [], page: 1, limit: 6 })).hits : [];
    const chosen = pick(hits, record);
    const recordId = chosen?.id ?? record;
    if (!recordId) return { q, others: [] };
    const title = chosen?.title ?? (await getRecord(fetchFn, recordId)).title;
    const copies = await getCopies(fetchFn, recordId, borrower, "loan", auth);
    return { q, recordId, title, copies, others: hits.filter((h) => h.id !== recordId).map((h) => ({ id: h.id, title: h.title })) };
  } catch (e) {
    return { q, others: [], message: problemMessage(e) };
  }
}

export const load: PageServerLoad = (event) =>
  loadAsAdmin(event, async (auth) => {
    const [settings, libraries] = await Promise.all([
      adminGet<PodSettings>(event.fetch, auth, "/v1/admin/settings"),
      listAdminLibraries(event.fetch, auth),
    ]);
    const params = event.url.searchParams;
    const q = (params.get("q") ?? "").trim().slice(0, 200);
    const recordParam = params.get("record") ?? "";
    const record = RECORD_ID.test(recordParam) ? recordParam : undefined;
    const borrowerParam = (params.get("borrower") ?? "").toUpperCase();
    const borrower = libraries.find((l) => l.code === borrowerParam)?.code ?? libraries[0]?.code ?? "";
    const wanted = (q !== "" || record !== undefined) && CODE.test(borrower);
    return {
      settings,
      values: settingsAsValues(settings),
      libraries: libraries.map((l) => ({ code: l.code, name: l.name })),
      borrower,
      saved: params.has("saved"),
      preview: wanted ? await preview(event.fetch, auth, q, record, borrower) : { q, others: [] },
    };
  });

export const actions: Actions = {
  save: async ({ request, locals, fetch }) => {
    const data = await request.formData();
    const values = settingsFormValues(data);
    const result = await adminWrite(fetch, locals.auth, "PATCH", "/v1/admin/settings", settingsPatch(values), { values });
    if (!result.ok) return result.failure;
    // Back to the page with the preview the admin was looking at, now ranked with the new settings.
    const keep = new URLSearchParams({ saved: "1" });
    for (const name of ["q", "record", "borrower"]) {
      const v = formText(data, `preview-${name}`);
      if (v) keep.set(name, v);
    }
    redirect(303, `/admin/settings?${keep}`);
  },
};

