import { sql } from "kysely";
import { Hono } from "hono";
import type { AppDeps } from "../app.ts";

async function databaseUp(deps: AppDeps): Promise<boolean> {
  try {
    await sql`select 1`.execute(deps.db);
    return true;
  } catch {
    return false;
  }
}

export function healthRoutes(deps: AppDeps) {
  return new Hono().get("/health", async (c) => {
    const [db, search] = await Promise.all([databaseUp(deps), deps.search.healthy().catch(() => false)]);
    const body = { status: db && search ? "ok" : "degraded", db: db ? "ok" : "down", search: search ? "ok" : "down" };
    return c.json(body, db && search ? 200 : 503);
  });
}
