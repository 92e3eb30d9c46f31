import type { Hono } from "hono";
import type { RouteTable } from "../http/route-table.ts";
import { authRoutes } from "../routes/auth.ts";
import { authMiddleware } from "./middleware.ts";
import type { AuthDeps } from "./options.ts";

export * from "./principal.ts";
export * from "./rate-limit.ts";
export * from "./middleware.ts";
export * from "./options.ts";
export * from "./session.ts";
export * from "./bootstrap.ts";
export { authRoutes } from "../routes/auth.ts";

/**
 * Mounts authentication on the app: the principal-resolving, CSRF-checking middleware for every
 * route registered after it, and the /v1/auth routes. Call it before mounting other routes.
 */
export function mountAuth(app: Hono, routes: RouteTable, deps: AuthDeps): void {
  app.use("*", authMiddleware(deps));
  authRoutes(routes, deps);
}
