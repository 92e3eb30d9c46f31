import { Hono } from "hono";
import { z } from "zod";
import type { AppDeps } from "../app.ts";
import { problem } from "../http/problem.ts";
import { parseOrThrow } from "../http/validate.ts";
import { loadUnionRecord } from "../repositories/union-records.ts";
import { presentUnionRecord } from "../services/union-record.ts";

const recordId = z.coerce.number().int().positive().max(2_147_483_647);

export function recordRoutes(deps: AppDeps) {
  return new Hono().get("/v1/records/:id", async (c) => {
    const id = parseOrThrow(recordId, c.req.param("id"), "record id");
    const rows = await loadUnionRecord(deps.db, id);
    if (!rows) throw problem(404, "not-found", "Record not found", `No union record with id ${id}`);
    return c.json(presentUnionRecord(id, rows));
  });
}
