import { z } from "zod";
import { getPodSettings, importLendingHistoryCsv, listLibraries } from "@interlend/db";
import type { AppDeps } from "../app.ts";
import { problem } from "../http/problem.ts";
import type { RouteTable } from "../http/route-table.ts";
import {
  getLenderStats,
  invalidateLenderStats,
  type TurnaroundFigures,
} from "../repositories/lender-stats.ts";

const statsQuery = z.strictObject({ days: z.coerce.number().int().min(1).max(3650).optional() });
const historyBody = z.strictObject({ csv: z.string().min(1).max(20_000_000) });

function round(value: number | null, places: number): number | null {
  if (value === null) return null;
  const f = 10 ** places;
  return Math.round(value * f) / f;
}

function presentFigures(figures: TurnaroundFigures) {
  return {
    received: figures.received,
    filled: figures.filled,
    unfilled: figures.unfilled,
    pending: figures.pending,
    fillRate: round(figures.fillRate, 3),
    medianTurnaroundDays: round(figures.medianTurnaroundDays, 2),
    p90TurnaroundDays: round(figures.p90TurnaroundDays, 2),
    turnaroundSamples: figures.turnaroundSamples,
  };
}

export function statsRoutes(routes: RouteTable, deps: AppDeps): void {
  routes.add(
    {
      method: "get",
      path: "/v1/stats/lenders",
      summary:
        "Per member: requests received, filled, fill rate, median and p90 turnaround, lent and borrowed, over a window",
      tag: "stats",
      access: ["staff", "admin", "api"], scope: "stats",
      query: statsQuery,
    },
    async (c, { query }) => {
      const days = query.days ?? (await getPodSettings(deps.db)).ranking.windowDays;
      const [stats, libraries] = await Promise.all([
        getLenderStats(deps.db, { windowDays: days }),
        listLibraries(deps.db),
      ]);
      const lenders = libraries.map((library) => {
        const figures = stats.lenders.get(library.id);
        const empty: TurnaroundFigures = {
          received: 0,
          filled: 0,
          unfilled: 0,
          pending: 0,
          fillRate: null,
          medianTurnaroundDays: null,
          p90TurnaroundDays: null,
          turnaroundSamples: 0,
        };
        return {
          library: library.code,
          name: library.name,
          ...presentFigures(figures ?? empty),
          lent: figures?.lent ?? 0,
          borrowed: figures?.borrowed ?? 0,
        };
      });
      return c.json({
        days,
        since: stats.since,
        until: stats.until,
        pod: presentFigures(stats.pod),
        fromHistory: stats.fromHistory,
        lenders,
      });
    },
  );

  routes.add(
    {
      method: "post",
      path: "/v1/admin/lending-history",
      summary:
        "Import past transactions (CSV: lender, borrower, requested_at, shipped_at, filled[, id]) so lender figures start informed",
      tag: "admin",
      access: ["admin"],
      body: historyBody,
    },
    async (c, { body }) => {
      const result = await importLendingHistoryCsv(deps.db, body.csv);
      if (result.error) throw problem(400, "invalid-csv", "Cannot import this file", result.error);
      invalidateLenderStats(deps.db);
      return c.json(result);
    },
  );
}
