import { z } from "zod";
import { findRun, listRejected, listRuns, type HarvestRun } from "@interlend/db";
import type { AppDeps } from "../../app.ts";
import { problem } from "../../http/problem.ts";
import type { RouteTable } from "../../http/route-table.ts";
import { idParams } from "../../http/validate.ts";

const runsQuery = z.strictObject({
  source: z.coerce.number().int().positive().optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(100),
  offset: z.coerce.number().int().min(0).default(0),
});

export function presentRun(run: HarvestRun) {
  return {
    id: run.id,
    sourceId: run.source_id,
    status: run.status,
    mode: run.mode,
    startedAt: run.started_at,
    finishedAt: run.finished_at,
    heartbeatAt: run.heartbeat_at,
    counts: { seen: run.seen, added: run.added, updated: run.updated, deleted: run.deleted, rejected: run.rejected },
    error: run.error,
  };
}

export function adminRunRoutes(routes: RouteTable, deps: AppDeps): void {
  routes.add(
    { method: "get", path: "/v1/admin/runs", summary: "Harvest runs with counts and errors, newest first", tag: "admin", access: ["admin"], query: runsQuery },
    async (c, { query }) => {
      const runs = await listRuns(deps.db, { sourceId: query.source, limit: query.limit });
      return c.json({ runs: runs.map(presentRun), running: deps.harvests?.running() ?? [], queued: deps.harvests?.queued() ?? [] });
    },
  );

  routes.add(
    { method: "get", path: "/v1/admin/runs/:id/rejected", summary: "Records a run rejected, with the reason", tag: "admin", access: ["admin"], params: idParams, query: pageQuery },
    async (c, { params, query }) => {
      const run = await findRun(deps.db, params.id);
      if (!run) throw problem(404, "not-found", "Run not found", `No harvest run with id ${params.id}`);
      const rows = await listRejected(deps.db, run.id, query);
      return c.json({
        run: presentRun(run),
        rejected: rows.map((r) => ({ position: r.position, localId: r.local_id, reason: r.reason, raw: r.raw, at: r.created_at })),
      });
    },
  );
}
