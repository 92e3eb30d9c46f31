/** A lender's own opening hours and holidays, set through the admin API, stretch its response window. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { updatePodSettings } from "@interlend/db";
import { runExpiryJob } from "@interlend/search-api/jobs/index";
import { DIALECTS, postgresAvailable } from "../support/databases.ts";
import { place, startPod, type Pod } from "./pod.ts";

describe.each(DIALECTS)("opening hours and closed dates on %s", (dialect) => {
  let pod: Pod | undefined;

  beforeAll(async () => {
    if (dialect === "postgres" && !(await postgresAvailable())) return;
    pod = await startPod(dialect, {
      libraries: [{ code: "BOR" }, { code: "HOL", timezone: "Europe/London" }],
      patrons: [{ library: "BOR", card: "H1" }],
      titles: { only: { HOL: ["available"] } },
    });
  });
  afterAll(async () => pod?.close());

  it("does not count the lender's closed dates, in its own time zone", async (ctx) => {
    if (!pod) return ctx.skip();
    const db = pod.database.db;
    const admin = await pod.admin();
    const hol = pod.libraries.HOL!;
    // Whit Monday 9 June 2025 is a holiday at HOL; it opens 10–16 (London, BST = UTC+1).
    const patched = await admin.patch(`/v1/admin/libraries/${hol.id}`, { openingHours: { open: 10, close: 16, closedDays: [0, 6], closedDates: ["2025-06-09"] } });
    expect(patched.status).toBe(200);
    await updatePodSettings(db, { responseWindowHours: 8 });
    try {
      const placed = await place(await pod.patron("H1"), pod.records.only!);
      expect(placed.body.lender!.code).toBe("HOL");
      // Friday 14:00 BST (13:00Z): 2 h on Friday, Monday closed, 6 h on Tuesday → Tuesday 16:00 BST = 15:00Z.
      await db.updateTable("requests").set({ updated_at: "2025-06-06T13:00:00.000Z" }).where("id", "=", placed.body.id).execute();
      expect((await runExpiryJob(db, new Date("2025-06-09T20:00:00.000Z"))).changed).toBe(0); // the holiday does not count
      expect((await runExpiryJob(db, new Date("2025-06-10T14:59:00.000Z"))).changed).toBe(0);
      expect((await runExpiryJob(db, new Date("2025-06-10T15:00:00.000Z"))).changed).toBe(1);
    } finally {
      await updatePodSettings(db, { responseWindowHours: 48 });
    }
  });
});
