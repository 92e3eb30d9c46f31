/** Scheduled request jobs (expiry in the lender's business hours, overdue) and lending suspension, on both dialects. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { updatePodSettings, withRequestTables } from "@interlend/db";
import { runExpiryJob, runOverdueJob, startRequestJobs } from "@interlend/search-api/jobs/index";
import { DIALECTS, postgresAvailable } from "../support/databases.ts";
import { act, inDays, place, startPod, type Pod, type RequestBody } from "./pod.ts";

const DAY = 86_400_000;

describe.each(DIALECTS)("request jobs on %s", (dialect) => {
  let pod: Pod | undefined;

  beforeAll(async () => {
    if (dialect === "postgres" && !(await postgresAvailable())) return;
    pod = await startPod(dialect, {
      libraries: [
        { code: "BOR" },
        { code: "NYC", timezone: "America/New_York" },
        { code: "TYO", timezone: "Asia/Tokyo" },
        { code: "SUS", suspendedUntil: "2099-01-01" },
        { code: "LAT" },
      ],
      patrons: ["J1", "J2", "J3", "J4", "J5"].map((card) => ({ library: "BOR", card })),
      titles: {
        solo: { NYC: ["available"] },
        duo: { NYC: ["available"], TYO: ["available"] },
        loan: { TYO: ["available"] },
        suspended: { SUS: ["available"], LAT: ["available"] },
        later: { LAT: ["available"], TYO: ["available"] },
      },
    });
  });
  afterAll(async () => pod?.close());
  const ready = () => pod !== undefined;

  /** Pretends the request reached its lender at `at`. */
  const sentAt = (id: number, at: string) => pod!.database.db.updateTable("requests").set({ updated_at: at }).where("id", "=", id).execute();
  const view = async (id: number) => (await (await pod!.admin()).get<RequestBody>(`/v1/requests/${id}`)).body;

  it("skips a lender that has not answered within the response window, counted in its own business hours", async (ctx) => {
    if (!ready()) return ctx.skip();
    const db = pod!.database.db;
    await updatePodSettings(db, { responseWindowHours: 8 });
    try {
      const placed = await place(await pod!.patron("J1"), pod!.records.solo!);
      expect(placed.body.lender!.code).toBe("NYC");
      // Friday 16:00 in New York (EDT): one hour left on Friday, seven on Monday → Monday 16:00 EDT = 20:00Z.
      await sentAt(placed.body.id, "2025-06-06T20:00:00.000Z");
      expect((await runExpiryJob(db, new Date("2025-06-08T23:00:00.000Z"))).changed).toBe(0); // the weekend does not count
      expect((await runExpiryJob(db, new Date("2025-06-09T19:59:00.000Z"))).changed).toBe(0);
      const result = await runExpiryJob(db, new Date("2025-06-09T20:00:00.000Z"));
      expect(result.changed).toBe(1);
      const after = await view(placed.body.id);
      expect(after.state).toBe("not_supplied");
      expect(after.events.slice(-2).map((e) => [e.from, e.to, e.lender, e.reason, e.actor])).toEqual([
        ["sent", "unfilled", "NYC", "expired", "system"],
        ["unfilled", "not_supplied", null, "rota exhausted", "system"],
      ]);
      const notices = await withRequestTables(db).selectFrom("notification_outbox").select("kind").where("request_id", "=", placed.body.id).execute();
      expect(notices.map((n) => n.kind)).toContain("not_supplied");

      // Tokyo is 13 hours ahead: the same instant is a different business day there.
      const duo = await place(await pod!.patron("J2"), pod!.records.duo!);
      const first = duo.body.lender!.code;
      await sentAt(duo.body.id, "2025-06-06T20:00:00.000Z");
      // For NYC the deadline is Mon 20:00Z; for TYO (Sat 05:00 local) it is Mon 17:00 JST = 08:00Z.
      const deadline = first === "NYC" ? "2025-06-09T20:00:00.000Z" : "2025-06-09T08:00:00.000Z";
      expect((await runExpiryJob(db, new Date(Date.parse(deadline) - 60_000))).changed).toBe(0);
      expect((await runExpiryJob(db, new Date(deadline))).changed).toBe(1);
      const moved = await view(duo.body.id);
      expect(moved.state).toBe("sent");
      expect(moved.lender!.code).not.toBe(first);
      expect(moved.rotaPosition).toBe(1);
      expect(moved.events.slice(-2).map((e) => [e.to, e.lender, e.reason])).toEqual([
        ["unfilled", first, "expired"],
        ["sent", moved.lender!.code, null],
      ]);
      // Running again changes nothing (the new lender's window starts now).
      expect((await runExpiryJob(db, new Date(deadline))).changed).toBe(0);
    } finally {
      await updatePodSettings(db, { responseWindowHours: 48 });
    }
  });

  it("marks loans overdue after the due date, tells the patron, and still takes them back", async (ctx) => {
    if (!ready()) return ctx.skip();
    const db = pod!.database.db;
    const placed = await place(await pod!.patron("J3"), pod!.records.loan!);
    const lender = await pod!.staff("TYO");
    const borrower = await pod!.staff("BOR");
    await act(lender, placed.body.id, "ship", { dueDate: inDays(2) });
    expect((await runOverdueJob(db, new Date(Date.now() + 5 * DAY))).changed).toBe(0); // shipped, not yet with the patron
    await act(borrower, placed.body.id, "receive");
    expect((await runOverdueJob(db, new Date(Date.now() + 2 * DAY))).changed).toBe(0); // due today is not overdue
    expect((await runOverdueJob(db, new Date(Date.now() + 3 * DAY))).changed).toBe(1);
    const overdue = await view(placed.body.id);
    expect(overdue).toMatchObject({ state: "overdue", iso18626Status: "Overdue" });
    expect(overdue.events.at(-1)).toMatchObject({ from: "received", to: "overdue", actor: "system", lender: "TYO" });
    const queue = await borrower.get<{ overdue: Array<{ id: number; patron: { name: string } }> }>("/v1/borrowing/queue?library=BOR");
    expect(queue.body.overdue.map((e) => e.id)).toContain(placed.body.id);
    const notices = await withRequestTables(db).selectFrom("notification_outbox").select(["kind", "recipient"]).where("request_id", "=", placed.body.id).execute();
    expect(notices).toEqual(expect.arrayContaining([{ kind: "overdue", recipient: "j3@readers.test" }, { kind: "ready_to_collect", recipient: "j3@readers.test" }]));
    expect((await act(borrower, placed.body.id, "return")).body.state).toBe("returned");
    const out = await lender.get<{ awaitingReturn: Array<{ id: number; state: string }> }>("/v1/lending/queue?library=TYO");
    expect(out.body.awaitingReturn.find((e) => e.id === placed.body.id)?.state).toBe("returned");
    expect((await act(lender, placed.body.id, "complete")).body.state).toBe("completed");
  });

  it("never puts a suspended member in a new rota, and passes over one suspended since", async (ctx) => {
    if (!ready()) return ctx.skip();
    const placed = await place(await pod!.patron("J4"), pod!.records.suspended!);
    expect(placed.status).toBe(201);
    expect(placed.body.rota.map((e) => e.library)).toEqual(["LAT"]);

    const admin = await pod!.admin();
    const other = await place(await pod!.patron("J5"), pod!.records.later!);
    expect(other.body.rota.map((e) => e.library).sort()).toEqual(["LAT", "TYO"]);
    const first = other.body.lender!.code;
    const second = first === "LAT" ? "TYO" : "LAT";
    // The second lender goes on holiday after the rota was frozen.
    const patched = await admin.patch(`/v1/admin/libraries/${pod!.libraries[second]!.id}`, { suspendedUntil: "2099-01-01" });
    expect(patched.status).toBe(200);
    const after = await act(await pod!.staff(first), other.body.id, "unfill", { reason: "policy" });
    expect(after.body.state).toBe("not_supplied");
    const fresh = await place(await pod!.patron("J4"), pod!.records.later!);
    expect(fresh.body.rota.map((e) => e.library)).toEqual([first]);
    await admin.patch(`/v1/admin/libraries/${pod!.libraries[second]!.id}`, { suspendedUntil: null });
  });

  it("runs the jobs on a timer until stopped", async (ctx) => {
    if (!ready()) return ctx.skip();
    const jobs = startRequestJobs(pod!.database.db, { intervalMs: 20 });
    const once = await jobs.runOnce();
    expect(once.expiry.checked).toBeGreaterThanOrEqual(0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await jobs.stop();
  });
});
