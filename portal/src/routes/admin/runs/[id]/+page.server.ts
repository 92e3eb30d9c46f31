import { adminGet, loadAsAdmin, type HarvestRun } from "$lib/server/admin";
import type { PageServerLoad } from "./$types";

interface Rejected {
  position: number | null;
  localId: string | null;
  reason: string;
  raw: string | null;
  at: string | null;
}

export const load: PageServerLoad = (event) =>
  loadAsAdmin(
    event,
    async (auth) => {
      const body = await adminGet<{ run: HarvestRun; rejected: Rejected[] }>(
        event.fetch,
        auth,
        `/v1/admin/runs/${encodeURIComponent(event.params.id)}/rejected`,
        new URLSearchParams({ limit: "200" }),
      );
      // The raw record can be large; a preview is enough to recognise it.
      return { run: body.run, rejected: body.rejected.map((r) => ({ ...r, raw: r.raw ? r.raw.slice(0, 400) : null })) };
    },
    { notFoundStatuses: [400, 404] },
  );
