import type { AppDeps } from "../app.ts";
import type { RouteTable } from "../http/route-table.ts";
import { searchQuerySchema } from "../services/search-query.ts";
import { membersShown, searchUnionIndex } from "../services/search-service.ts";

export function searchRoutes(routes: RouteTable, deps: AppDeps): void {
  routes.add(
    { method: "get", path: "/v1/search", summary: "Search the union catalogue (facets, filters, pages)", tag: "search", access: "public", query: searchQuerySchema },
    async (c, { query }) => {
      const cache = deps.searchCache;
      const key = cache && JSON.stringify(query);
      const cached = key && (await cache.get(key));
      if (cached) {
        c.header("x-search-cache", "hit");
        return c.body(cached, 200, { "content-type": "application/json" });
      }
      const generation = cache?.generation ?? 0;
      const result = await searchUnionIndex(deps.search, query);
      const names = await deps.libraryNames();
      const libraries: Record<string, string> = {};
      for (const code of membersShown(result, query)) if (Object.hasOwn(names, code)) libraries[code] = names[code]!;
      const answer = JSON.stringify({ ...result, libraries });
      if (key) {
        cache.set(key, answer, generation);
        c.header("x-search-cache", "miss");
      }
      return c.body(answer, 200, { "content-type": "application/json" });
    },
  );
}
