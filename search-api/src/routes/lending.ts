import type { Context } from "hono";
import { z } from "zod";
import { findLibraryByCode } from "@interlend/db";
import type { AppDeps } from "../app.ts";
import { requireLibrary } from "../auth/principal.ts";
import { problem } from "../http/problem.ts";
import type { RouteTable } from "../http/route-table.ts";
import { borrowingQueue, lendingQueue } from "../services/requests/index.ts";

const query = z.strictObject({ library: z.string().trim().min(1).max(32).optional() });

/** The member a queue is for: ?library=CODE, or the caller's own; staff only for their own member. */
async function memberFor(c: Context, deps: AppDeps, code: string | undefined) {
  const principal = c.get("principal");
  const wanted = code ?? principal?.libraryCode ?? undefined;
  if (!wanted) {
    throw problem(400, "invalid-parameters", "Library required", "Name the member: ?library=CODE.", { errors: [{ path: "library", message: "required" }] });
  }
  const library = await findLibraryByCode(deps.db, wanted.toUpperCase());
  if (!library) {
    throw problem(400, "invalid-parameters", "Unknown library", `No member with code ${wanted}`, { errors: [{ path: "library", message: "unknown member code" }] });
  }
  requireLibrary(c, library.id);
  return library;
}

const queues = [
  {
    path: "/v1/lending/queue",
    summary: "A lender's pull list (requests sent to it, oldest first, with call number and location) and what it has out awaiting return",
    load: lendingQueue,
  },
  {
    path: "/v1/borrowing/queue",
    summary: "A borrowing member's queue: items shipped to it (to receive), on loan to its patrons, and overdue",
    load: borrowingQueue,
  },
] as const;

export function lendingRoutes(routes: RouteTable, deps: AppDeps): void {
  for (const { path, summary, load } of queues) {
    routes.add(
      { method: "get", path, summary, tag: "requests", access: ["staff", "admin", "api"], scope: "lending", query },
      async (c, { query, principal }) => {
        const library = await memberFor(c, deps, query.library);
        return c.json({ library: library.code, ...(await load(deps.db, library.id, principal!)) });
      },
    );
  }
}
