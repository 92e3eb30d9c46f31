import { requireRole } from "$lib/server/guard";
import { adminGet, type HarvestRun } from "$lib/server/admin";
import { toPageError } from "$lib/server/page-errors";
import type { PageServerLoad } from "./$types";

interface Rejected {
  position: number | null;
  localId: string | null;
  reason: string;
  raw: string | null;
  at: string | null;
}

export const load: PageServerLoad = async ({ locals, url, fetch, params }) => {
  const user = requireRole(locals, url, "admin");
  try {
    const body = await adminGet<{ run: HarvestRun; rejected: Rejected[] }>(
      fetch,
      user.auth,
      `/v1/admin/runs/${encodeURIComponent(params.id)}/rejected`,
      new URLSearchParams({ limit: "200" }),
    );
    // The raw record can be large; a preview is enough to recognise it.
    return { run: body.run, rejected: body.rejected.map((r) => ({ ...r, raw: r.raw ? r.raw.slice(0, 400) : null })) };
  } catch (e) {
    toPageError(e, { notFoundStatuses: [400, 404] });
  }
};
