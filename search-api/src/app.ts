import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { Kysely } from "kysely";
import type { Database } from "@interlend/db";
import { mountAuth } from "./auth/index.ts";
import { HttpProblem, problem, sendProblem } from "./http/problem.ts";
import { healthRoutes } from "./routes/health.ts";
import { recordRoutes } from "./routes/records.ts";
import { searchRoutes } from "./routes/search.ts";
import { SearchUnavailableError, type SearchBackend } from "./services/search-service.ts";

export interface AppDeps {
  db: Kysely<Database>;
  search: SearchBackend;
  /** Member code → display name, cached. */
  libraryNames(): Promise<Record<string, string>>;
  maxBodyBytes?: number;
  log?: (message: string, error?: unknown) => void;
}

function toProblem(error: unknown, deps: AppDeps) {
  if (error instanceof HttpProblem) return error.problem;
  if (error instanceof SearchUnavailableError) {
    return problem(503, "search-unavailable", "Search is unavailable", "The search index cannot be reached right now; try again shortly.").problem;
  }
  deps.log?.("unhandled error", error);
  return problem(500, "internal", "Internal server error", "Something went wrong on our side; it has been logged.").problem;
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  app.use("*", bodyLimit({
    maxSize: deps.maxBodyBytes ?? 1_000_000,
    onError: (c) => sendProblem(c, problem(413, "body-too-large", "Request body too large", `The limit is ${deps.maxBodyBytes ?? 1_000_000} bytes`).problem),
  }));
  mountAuth(app, deps);
  app.route("/", healthRoutes(deps));
  app.route("/", searchRoutes(deps));
  app.route("/", recordRoutes(deps));
  app.notFound((c) => sendProblem(c, problem(404, "not-found", "Not found", `No route for ${c.req.method} ${c.req.path}`).problem));
  app.onError((error, c) => sendProblem(c, toProblem(error, deps)));
  return app;
}
