import type { AppDeps } from "../../app.ts";
import type { RouteTable } from "../../http/route-table.ts";
import { adminAccountRoutes } from "./accounts.ts";
import { adminDashboardRoutes } from "./dashboard.ts";
import { adminLibraryRoutes } from "./libraries.ts";
import { adminRunRoutes } from "./runs.ts";
import { adminSettingsRoutes } from "./settings.ts";
import { adminSourceTestRoutes } from "./source-test.ts";
import { adminSourceRoutes } from "./sources.ts";
import { adminUploadRoutes } from "./uploads.ts";

export function adminRoutes(routes: RouteTable, deps: AppDeps): void {
  adminLibraryRoutes(routes, deps);
  adminAccountRoutes(routes, deps);
  adminSourceTestRoutes(routes, deps);
  adminSourceRoutes(routes, deps);
  adminRunRoutes(routes, deps);
  adminSettingsRoutes(routes, deps);
  adminUploadRoutes(routes, deps);
  adminDashboardRoutes(routes, deps);
}
