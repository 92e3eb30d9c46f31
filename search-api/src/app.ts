import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Kysely } from "kysely";
import { AccountError, isDatabaseUnavailable, type Database } from "@interlend/db";
import { mountAuth } from "./auth/index.ts";
import type { AuthOptions } from "./auth/options.ts";
import { openApiDocument } from "./http/openapi.ts";
import { HttpProblem, problem, sendProblem } from "./http/problem.ts";
import { RouteTable } from "./http/route-table.ts";
import { adminRoutes } from "./routes/admin/index.ts";
import { UPLOAD_PATH } from "./routes/admin/uploads.ts";
import { copyRoutes } from "./routes/copies.ts";
import { statsRoutes } from "./routes/stats.ts";
import { healthRoutes } from "./routes/health.ts";
import { recordRoutes } from "./routes/records.ts";
import { lendingRoutes } from "./routes/lending.ts";
import { requestRoutes } from "./routes/requests.ts";
import { searchRoutes } from "./routes/search.ts";
import type { LiveAvailability } from "./services/ranking/types.ts";
import type { SearchCache } from "./services/search-cache.ts";
import { SearchUnavailableError, type SearchBackend } from "./services/search-service.ts";

export interface AppDeps {
  db: Kysely<Database>;
  search: SearchBackend;
  /** Answers to identical searches, kept until the index changes (none when absent). */
  searchCache?: SearchCache;
  /** Member code → display name, cached. */
  libraryNames(): Promise<Record<string, string>>;
  maxBodyBytes?: number;
  auth?: AuthOptions;
  /** The harvester in this process (scheduler + queue), when there is one. */
  harvests?: HarvestControl;
  /** Folders file sources may read from (admin-created sources cannot point elsewhere). */
  fileRoots?: string[];
  /** Cap for MARC file uploads (default 2 GiB). */
  maxUploadBytes?: number;
  /** Live holdings through members' Z39.50/SRU sources, for the copy ranking. */
  liveAvailability?: LiveAvailability;
  log?: (message: string, error?: unknown) => void;
}

export interface HarvestControl {
  harvestNow(sourceId: number): Promise<{ accepted: boolean; reason?: string }>;
  reload(): Promise<void>;
  scheduled(): Array<{ sourceId: number; nextRun: Date | null }>;
  running(): number[];
  queued(): number[];
}

function toProblem(error: unknown, deps: AppDeps) {
  if (error instanceof HttpProblem) return error.problem;
  if (error instanceof AccountError) {
    const status = error.code === "duplicate" ? 409 : 400;
    return problem(status, error.code === "duplicate" ? "conflict" : "invalid-parameters", error.code === "duplicate" ? "Already exists" : "Invalid account details", `Check ${error.field}: ${error.message}`, { errors: [{ path: error.field, message: error.message }] }).problem;
  }
  if (isDatabaseUnavailable(error)) {
    return problem(503, "database-unavailable", "Service unavailable", "The database cannot be reached right now; try again shortly.").problem;
  }
  if (error instanceof SearchUnavailableError) {
    return problem(503, "search-unavailable", "Search is unavailable", "The search index cannot be reached right now; try again shortly.").problem;
  }
  deps.log?.("unhandled error", error);
  return problem(500, "internal", "Internal server error", "Something went wrong on our side; it has been logged.").problem;
}

const BODYLESS = new Set(["GET", "HEAD"]);

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  const limitBody = bodyLimit({
    maxSize: deps.maxBodyBytes ?? 1_000_000,
    onError: (c) => sendProblem(c, problem(413, "body-too-large", "Request body too large", `The limit is ${deps.maxBodyBytes ?? 1_000_000} bytes`).problem),
  });
  // File uploads stream to disk under their own cap; everything else is small JSON. GET and HEAD
  // carry no body: skipping them spares the node adapter from building a full Request per search.
  app.use("*", (c, next) => (BODYLESS.has(c.req.method) || UPLOAD_PATH.test(c.req.path) ? next() : limitBody(c, next)));
  const routes = new RouteTable(app);
  mountAuth(app, routes, deps);
  for (const mount of [healthRoutes, searchRoutes, recordRoutes, adminRoutes]) mount(routes, deps);
  for (const mount of [copyRoutes, statsRoutes]) mount(routes, deps);
  for (const mount of [requestRoutes, lendingRoutes]) mount(routes, deps);
  const document = openApiDocument(routes.specs, { title: "Interlend API", version: "1" });
  app.get("/v1/openapi.json", (c) => c.json(document));
  app.notFound((c) => sendProblem(c, problem(404, "not-found", "Not found", `No route for ${c.req.method} ${c.req.path}`).problem));
  app.onError((error, c) => sendProblem(c, toProblem(error, deps)));
  return app;
}
