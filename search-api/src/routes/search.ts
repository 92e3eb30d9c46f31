import type { AppDeps } from "../app.ts";
import type { RouteTable } from "../http/route-table.ts";
import { searchQuerySchema } from "../services/search-query.ts";
import { searchUnionIndex } from "../services/search-service.ts";

export function searchRoutes(routes: RouteTable, deps: AppDeps): void {
  routes.add(
    { method: "get", path: "/v1/search", summary: "Search the union catalogue (facets, filters, pages)", tag: "search", access: "public", query: searchQuerySchema },
    async (c, { query }) => {
      const result = await searchUnionIndex(deps.search, query);
      return c.json({ ...result, libraries: await deps.libraryNames() });
    },
  );
}
