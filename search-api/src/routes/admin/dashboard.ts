import { z } from "zod";
import { listLibraries, listSources } from "@interlend/db";
import type { AppDeps } from "../../app.ts";
import type { RouteTable } from "../../http/route-table.ts";
import { searchQuerySchema } from "../../services/search-query.ts";
import { searchUnionIndex } from "../../services/search-service.ts";
import { presentRun } from "./runs.ts";

const dashboardQuery = z.strictObject({ days: z.coerce.number().int().min(1).max(366).default(30) });
const DAY_MS = 86_400_000;

/** "2026-03-01" for a timestamp as either dialect returns it (ISO text or a Date). */
function dayOf(value: unknown): string | undefined {
  const ms = value instanceof Date ? value.getTime() : Date.parse(String(value));
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString().slice(0, 10);
}

/** Every day of the window, oldest first, each with its count (0 when nothing was placed). */
export function requestsPerDay(createdAt: readonly unknown[], days: number, now = new Date()): Array<{ date: string; requests: number }> {
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  const counts = new Map<string, number>();
  for (let i = days - 1; i >= 0; i--) counts.set(new Date(today - i * DAY_MS).toISOString().slice(0, 10), 0);
  for (const value of createdAt) {
    const day = dayOf(value);
    if (day !== undefined && counts.has(day)) counts.set(day, counts.get(day)! + 1);
  }
  return [...counts].map(([date, requests]) => ({ date, requests }));
}

/** Documents in the union index (works, after de-duplication); null when the index is down. */
async function indexSize(deps: AppDeps): Promise<number | null> {
  try {
    return (await searchUnionIndex(deps.search, searchQuerySchema.parse({ limit: 1 }))).total;
  } catch {
    return null;
  }
}

export function adminDashboardRoutes(routes: RouteTable, deps: AppDeps): void {
  routes.add(
    {
      method: "get",
      path: "/v1/admin/dashboard",
      summary: "Figures for the admin dashboard: requests per day, union and member record counts, the last harvest of each source",
      tag: "admin",
      access: ["admin"],
      query: dashboardQuery,
    },
    async (c, { query }) => {
      const now = new Date();
      const since = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) - (query.days - 1) * DAY_MS).toISOString();
      const db = deps.db;
      const [placed, unionRecords, bySource, lastRuns, sources, libraries, indexed] = await Promise.all([
        db.selectFrom("requests").select("created_at").where("created_at", ">=", since).execute(),
        db
          .selectFrom("bib_records")
          .select((eb) => eb.fn.count<number | string>("cluster_id").distinct().as("n"))
          .where("cluster_id", "is not", null)
          .executeTakeFirst(),
        db
          .selectFrom("bib_records")
          .select(["source_id", (eb) => eb.fn.countAll<number | string>().as("n")])
          .groupBy("source_id")
          .execute(),
        db
          .selectFrom("harvest_runs")
          .selectAll()
          .where("id", "in", db.selectFrom("harvest_runs").select((eb) => eb.fn.max("id").as("id")).groupBy("source_id"))
          .execute(),
        listSources(db),
        listLibraries(db),
        indexSize(deps),
      ]);
      const records = new Map(bySource.map((r) => [r.source_id, Number(r.n)]));
      const runs = new Map(lastRuns.map((r) => [r.source_id, presentRun(r)]));
      const codes = new Map(libraries.map((l) => [l.id, l.code]));
      return c.json({
        days: query.days,
        requestsPerDay: requestsPerDay(
          placed.map((r) => r.created_at),
          query.days,
          now,
        ),
        unionRecords: Number(unionRecords?.n ?? 0),
        indexDocuments: indexed,
        memberRecords: [...records.values()].reduce((a, b) => a + b, 0),
        sources: sources.map((s) => ({
          id: s.id,
          name: s.name,
          library: codes.get(s.library_id) ?? null,
          protocol: s.protocol,
          enabled: s.enabled === 1,
          records: records.get(s.id) ?? 0,
          lastRun: runs.get(s.id) ?? null,
        })),
      });
    },
  );
}
