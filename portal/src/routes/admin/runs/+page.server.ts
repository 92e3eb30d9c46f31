import { adminGet, listAdminSources, loadAsAdmin, type HarvestRun } from "$lib/server/admin";
import type { PageServerLoad } from "./$types";

export const load: PageServerLoad = (event) => {
  event.depends("app:runs");
  const source = event.url.searchParams.get("source");
  const query = new URLSearchParams({ limit: "50" });
  if (source && /^\d{1,10}$/.test(source)) query.set("source", source);
  return loadAsAdmin(event, async (auth) => {
    const [runs, sources] = await Promise.all([
      adminGet<{ runs: HarvestRun[]; running: number[]; queued: number[] }>(event.fetch, auth, "/v1/admin/runs", query),
      listAdminSources(event.fetch, auth),
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
  });
};
