import { requireRole } from "$lib/server/guard";
import { adminGet, listAdminSources, type HarvestRun } from "$lib/server/admin";
import { toPageError } from "$lib/server/page-errors";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = async ({ locals, url, fetch, depends }) => {
  depends("app:runs");
  const user = requireRole(locals, url, "admin");
  const source = url.searchParams.get("source");
  const query = new URLSearchParams({ limit: "50" });
  if (source && /^\d{1,10}$/.test(source)) query.set("source", source);
  try {
    const [runs, sources] = await Promise.all([
      adminGet<{ runs: HarvestRun[]; running: number[]; queued: number[] }>(fetch, user.auth, "/v1/admin/runs", query),
      listAdminSources(fetch, user.auth),
    ]);
    const names = Object.fromEntries(sources.map((s) => [s.id, s.name]));
    const active = runs.runs.some((r) => r.status === "running") || runs.running.length > 0 || runs.queued.length > 0;
    return {
      runs: runs.runs,
      running: runs.running.map((id) => names[id] ?? String(id)),
      queued: runs.queued.map((id) => names[id] ?? String(id)),
      names,
      source: query.get("source"),
      sourceName: query.get("source") ? (names[Number(query.get("source"))] ?? null) : null,
      active,
    };
  } catch (e) {
    toPageError(e);
  }
};
