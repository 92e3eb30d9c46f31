import { sql } from "kysely";
import type { AppDeps } from "../app.ts";
import type { RouteTable } from "../http/route-table.ts";

async function databaseUp(deps: AppDeps): Promise<boolean> {
  try {
    await sql`select 1`.execute(deps.db);
    return true;
  } catch {
    return false;
  }
}

export function healthRoutes(routes: RouteTable, deps: AppDeps): void {
  routes.add({ method: "get", path: "/health", summary: "Health of the API, its database and the search index", tag: "health", access: "public" }, async (c) => {
    const [db, search] = await Promise.all([databaseUp(deps), deps.search.healthy().catch(() => false)]);
    const body = { status: db && search ? "ok" : "degraded", db: db ? "ok" : "down", search: search ? "ok" : "down" };
    return c.json(body, db && search ? 200 : 503);
  });
}
