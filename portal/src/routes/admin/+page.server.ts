import { adminGet, getHealth, loadAsAdmin, type DashboardFigures, type LenderStats } from "$lib/server/admin";
import type { PageServerLoad } from "./$types";

/** The admin dashboard: aggregated figures, lender statistics and service health, in one go. */
export const load: PageServerLoad = (event) =>
  loadAsAdmin(event, async (auth) => {
    const [dashboard, stats, health] = await Promise.all([
      adminGet<DashboardFigures>(event.fetch, auth, "/v1/admin/dashboard", new URLSearchParams({ days: "30" })),
      adminGet<LenderStats>(event.fetch, auth, "/v1/stats/lenders", new URLSearchParams({ days: "30" })),
      getHealth(event.fetch),
    ]);
    return { dashboard, stats, health };
  });
