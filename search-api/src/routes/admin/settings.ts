import { podSettingsPatchSchema, getPodSettings, updatePodSettings, SettingsError } from "@interlend/db";
import type { AppDeps } from "../../app.ts";
import { problem } from "../../http/problem.ts";
import type { RouteTable } from "../../http/route-table.ts";

export function adminSettingsRoutes(routes: RouteTable, deps: AppDeps): void {
  routes.add(
    {
      method: "get",
      path: "/v1/admin/settings",
      summary: "Consortium settings: ranking weights, response window, limits",
      tag: "admin",
      access: ["admin"],
    },
    async (c) => c.json(await getPodSettings(deps.db)),
  );

  routes.add(
    {
      method: "patch",
      path: "/v1/admin/settings",
      summary: "Change consortium settings (any subset; nested objects are merged)",
      tag: "admin",
      access: ["admin"],
      body: podSettingsPatchSchema,
    },
    async (c, { body }) => {
      try {
        return c.json(await updatePodSettings(deps.db, body));
      } catch (error) {
        if (error instanceof SettingsError)
          throw problem(400, "invalid-parameters", "Invalid settings", error.message, {
            errors: error.issues,
          });
        throw error;
      }
    },
  );
}
