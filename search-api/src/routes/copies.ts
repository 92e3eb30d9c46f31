import { z } from "zod";
import { findLibraryByCode } from "@interlend/db";
import type { AppDeps } from "../app.ts";
import { problem } from "../http/problem.ts";
import type { RouteTable } from "../http/route-table.ts";
import { rankCopiesFor } from "../services/ranking/rank-copies-for.ts";
import type { LiveAvailability } from "../services/ranking/types.ts";
import { idParams } from "../http/validate.ts";

/** The app's dependencies plus the members' live holdings lookups, when the process has them. */
export type CopyRouteDeps = AppDeps & { liveAvailability?: LiveAvailability };

const query = z.strictObject({
  borrower: z.string().trim().min(1).max(32).optional(),
  service: z.enum(["loan", "copy"]).default("loan"),
});

export function copyRoutes(routes: RouteTable, deps: CopyRouteDeps): void {
  routes.add(
    {
      method: "get",
      path: "/v1/records/:id/copies",
      summary:
        "Ranked copies of a union record for a borrowing member, with figures and a reason each (the request rota)",
      tag: "records",
      access: "public",
      params: idParams,
      query,
    },
    async (c, { params, query, principal }) => {
      const code = query.borrower ?? principal?.libraryCode ?? undefined;
      if (!code) {
        throw problem(
          400,
          "invalid-parameters",
          "Borrower required",
          "Name the borrowing member: ?borrower=CODE.",
          {
            errors: [{ path: "borrower", message: "required" }],
          },
        );
      }
      const borrower = await findLibraryByCode(deps.db, code.toUpperCase());
      if (!borrower) {
        throw problem(400, "invalid-parameters", "Unknown borrower", `No member with code ${code}`, {
          errors: [{ path: "borrower", message: "unknown member code" }],
        });
      }
      const ranked = await rankCopiesFor(deps.db, params.id, borrower.id, {
        serviceType: query.service,
        liveAvailability: deps.liveAvailability,
      });
      if (!ranked)
        throw problem(404, "not-found", "Record not found", `No union record with id ${params.id}`);
      return c.json({ record: params.id, borrower: borrower.code, service: query.service, ...ranked });
    },
  );
}
