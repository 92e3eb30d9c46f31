import { Hono } from "hono";
import type { AppDeps } from "../app.ts";
import { parseOrThrow, queryParams } from "../http/validate.ts";
import { searchQuerySchema } from "../services/search-query.ts";
import { searchUnionIndex } from "../services/search-service.ts";

export function searchRoutes(deps: AppDeps) {
  return new Hono().get("/v1/search", async (c) => {
    const query = parseOrThrow(searchQuerySchema, queryParams(c.req.url), "search parameters");
    const result = await searchUnionIndex(deps.search, query);
    return c.json({ ...result, libraries: await deps.libraryNames() });
  });
}
