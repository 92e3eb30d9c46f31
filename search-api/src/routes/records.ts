import type { AppDeps } from "../app.ts";
import { problem } from "../http/problem.ts";
import type { RouteTable } from "../http/route-table.ts";
import { loadUnionRecord } from "../repositories/union-records.ts";
import { presentUnionRecord } from "../services/union-record.ts";
import { idParams } from "../http/validate.ts";


export function recordRoutes(routes: RouteTable, deps: AppDeps): void {
  routes.add(
    { method: "get", path: "/v1/records/:id", summary: "A union record: description, member records, holdings", tag: "search", access: "public", params: idParams },
    async (c, { params }) => {
      const rows = await loadUnionRecord(deps.db, params.id);
      if (!rows) throw problem(404, "not-found", "Record not found", `No union record with id ${params.id}`);
      return c.json(presentUnionRecord(params.id, rows));
    },
  );
}
