/** The request lifecycle over real HTTP, with real sign-in, on both dialects. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withRequestTables } from "@interlend/db";
import { DIALECTS, postgresAvailable } from "../support/databases.ts";
import type { HttpSession } from "../support/http-session.ts";
import { act, inDays, place, startPod, type Pod, type RequestBody } from "./pod.ts";

const LENDERS = ["LA", "LB", "LC"];

describe.each(DIALECTS)("request lifecycle on %s", (dialect) => {
  let pod: Pod | undefined;
  const staff: Record<string, HttpSession> = {};

  beforeAll(async () => {
    if (dialect === "postgres" && !(await postgresAvailable())) return;
    pod = await startPod(dialect, {
      libraries: [{ code: "BOR" }, { code: "LA" }, { code: "LB" }, { code: "LC" }],
      patrons: ["P1", "P2", "P3", "P4", "P5", "P6"].map((card) => ({ library: "BOR", card })),
      titles: {
        loan: { LA: ["available"], LB: ["available"] },
        copy: { LC: ["available"] },
        twolenders: { LA: ["available"], LB: ["available"] },
        cancel1: { LA: ["available"], LB: ["available"] },
        cancel2: { LA: ["available"], LB: ["available"] },
        cancel3: { LA: ["available"] },
        illegal: { LB: ["available"] },
        private: { LC: ["available"] },
      },
    });
    for (const code of [...LENDERS, "BOR"]) staff[code] = await pod.staff(code);
  });
  afterAll(async () => pod?.close());

  const ready = () => pod !== undefined;
  const lenderOf = (r: RequestBody) => staff[r.lender!.code]!;

  it("goes place → ship → receive → return → complete, with an event for every step", async (ctx) => {
    if (!ready()) return ctx.skip();
    const patron = await pod!.patron("P1");
    const placed = await place(patron, pod!.records.loan!, { pickupLocation: "Front desk" });
    expect(placed.status).toBe(201);
    expect(placed.body).toMatchObject({ state: "sent", iso18626Status: "RequestReceived", serviceType: "loan", title: "Title loan", rotaPosition: 0 });
    expect(placed.body.rota.map((e) => e.library).sort()).toEqual(["LA", "LB"]);
    expect(placed.body.lender!.code).toBe(placed.body.rota[0]!.library);
    expect(placed.body.events.map((e) => [e.from, e.to])).toEqual([[null, "submitted"], ["submitted", "sent"]]);
    expect(placed.body.allowedActions).toEqual(["cancel"]);
    const id = placed.body.id;
    const lender = lenderOf(placed.body);

    // The lender sees it on its pull list with call number and location.
    const queue = await lender.get<{ pullList: Array<{ id: number; title: string; callNumber: string; location: string; borrower: { code: string } }> }>(
      `/v1/lending/queue?library=${placed.body.lender!.code}`,
    );
    expect(queue.status).toBe(200);
    expect(queue.body.pullList.find((e) => e.id === id)).toMatchObject({ title: "Title loan", callNumber: "QA76 .T4", borrower: { code: "BOR" } });

    const due = inDays(28);
    const shipped = await act(lender, id, "ship", { dueDate: due });
    expect(shipped.status).toBe(200);
    expect(shipped.body).toMatchObject({ state: "shipped", iso18626Status: "Loaned", dueDate: due });

    const incoming = await staff.BOR!.get<{ incoming: Array<{ id: number }> }>("/v1/borrowing/queue?library=BOR");
    expect(incoming.body.incoming.map((e) => e.id)).toContain(id);
    expect((await act(staff.BOR!, id, "receive")).body.state).toBe("received");
    expect((await act(staff.BOR!, id, "return")).body.state).toBe("returned");
    const done = await act(lender, id, "complete");
    expect(done.body).toMatchObject({ state: "completed", iso18626Status: "LoanCompleted", allowedActions: [] });

    const view = await patron.get<RequestBody>(`/v1/requests/${id}`);
    const lenderCode = placed.body.lender!.code;
    expect(view.body.events.map((e) => [e.from, e.to, e.lender])).toEqual([
      [null, "submitted", null],
      ["submitted", "sent", lenderCode],
      ["sent", "shipped", lenderCode],
      ["shipped", "received", lenderCode],
      ["received", "returned", lenderCode],
      ["returned", "completed", lenderCode],
    ]);
    expect(view.body.events[0]!.actor).toBe(`patron:${pod!.patronIds.P1}`);
    expect(view.body.events[1]!.actor).toBe("system");
    expect(view.body.events[2]!.actor).toMatch(/^staff:\d+$/);

    const rows = await pod!.database.db.selectFrom("request_events").selectAll().where("request_id", "=", id).execute();
    expect(rows).toHaveLength(6);
  });

  it("delivers copies (non-returnables) straight from sent", async (ctx) => {
    if (!ready()) return ctx.skip();
    const patron = await pod!.patron("P2");
    const placed = await place(patron, pod!.records.copy!, { serviceType: "copy" });
    expect(placed.status).toBe(201);
    expect(placed.body.lender!.code).toBe("LC");
    const wrong = await act(staff.LC!, placed.body.id, "ship", { dueDate: inDays(10) });
    expect(wrong.status).toBe(409);
    expect(wrong.body.allowedActions).toEqual(["deliver", "unfill"]);
    const delivered = await act(staff.LC!, placed.body.id, "deliver");
    expect(delivered.body).toMatchObject({ state: "delivered", iso18626Status: "CopyCompleted" });
    expect(delivered.body.events.at(-1)).toMatchObject({ from: "sent", to: "delivered", lender: "LC" });
  });

  it("moves to the next lender on unfill, and to not_supplied when the rota is exhausted", async (ctx) => {
    if (!ready()) return ctx.skip();
    const patron = await pod!.patron("P3");
    const placed = await place(patron, pod!.records.twolenders!);
    const first = placed.body.lender!.code;
    const missingReason = await act(lenderOf(placed.body), placed.body.id, "unfill");
    expect(missingReason.status).toBe(400);
    const badReason = await act(lenderOf(placed.body), placed.body.id, "unfill", { reason: "lazy" });
    expect(badReason.status).toBe(400);
    expect(badReason.body.detail).toContain("not_on_shelf");

    const moved = await act(lenderOf(placed.body), placed.body.id, "unfill", { reason: "not_on_shelf" });
    expect(moved.status).toBe(200);
    expect(moved.body.state).toBe("sent");
    expect(moved.body.rotaPosition).toBe(1);
    const second = moved.body.lender!.code;
    expect(second).not.toBe(first);
    // The first lender lost sight of it; the second has it.
    expect((await staff[first]!.get(`/v1/requests/${placed.body.id}`)).status).toBe(403);
    expect(moved.body.events.slice(-2).map((e) => [e.from, e.to, e.lender, e.reason])).toEqual([
      ["sent", "unfilled", first, "not_on_shelf"],
      ["unfilled", "sent", second, null],
    ]);

    const exhausted = await act(staff[second]!, placed.body.id, "unfill", { reason: "damaged" });
    expect(exhausted.body.state).toBe("not_supplied");
    expect(exhausted.body.events.slice(-2).map((e) => [e.from, e.to, e.lender, e.reason])).toEqual([
      ["sent", "unfilled", second, "damaged"],
      ["unfilled", "not_supplied", null, "rota exhausted"],
    ]);
    // The patron is told.
    const notices = await withRequestTables(pod!.database.db).selectFrom("notification_outbox").selectAll().where("request_id", "=", placed.body.id).execute();
    expect(notices.map((n) => n.kind)).toEqual(expect.arrayContaining(["request_placed", "new_request", "not_supplied"]));
    expect(notices.filter((n) => n.kind === "new_request").map((n) => n.recipient).sort()).toEqual([`ill@${first.toLowerCase()}.test`, `ill@${second.toLowerCase()}.test`].sort());
  });

  it("lets the patron or borrowing staff cancel before shipping, and nobody after", async (ctx) => {
    if (!ready()) return ctx.skip();
    const patron = await pod!.patron("P4");
    const byPatron = await place(patron, pod!.records.cancel1!);
    const lender = lenderOf(byPatron.body);
    const lenderCancel = await act(lender, byPatron.body.id, "cancel");
    expect(lenderCancel.status).toBe(403);
    expect(lenderCancel.body.type).toContain("not-your-action");
    const cancelled = await act(patron, byPatron.body.id, "cancel", { reason: "found it elsewhere" });
    expect(cancelled.body).toMatchObject({ state: "cancelled", iso18626Status: "Cancelled" });
    expect(cancelled.body.events.at(-1)).toMatchObject({ from: "sent", to: "cancelled", reason: "found it elsewhere", lender: byPatron.body.lender!.code });

    const byStaff = await place(patron, pod!.records.cancel2!);
    expect((await act(staff.BOR!, byStaff.body.id, "cancel")).body.state).toBe("cancelled");

    const shippedFirst = await place(patron, pod!.records.cancel3!);
    await act(lenderOf(shippedFirst.body), shippedFirst.body.id, "ship", { dueDate: inDays(20) });
    const late = await act(patron, shippedFirst.body.id, "cancel");
    expect(late.status).toBe(409);
    expect(late.body).toMatchObject({ state: "shipped", allowedActions: [] });
    const lateStaff = await act(staff.BOR!, shippedFirst.body.id, "cancel");
    expect(lateStaff.status).toBe(409);
    expect(lateStaff.body.allowedActions).toEqual(["receive"]);
  });

  it("answers an illegal action with 409 naming the state and the allowed actions; other members' staff get 403", async (ctx) => {
    if (!ready()) return ctx.skip();
    const patron = await pod!.patron("P5");
    const placed = await place(patron, pod!.records.illegal!);
    expect(placed.body.lender!.code).toBe("LB");
    const early = await act(staff.BOR!, placed.body.id, "receive");
    expect(early.status).toBe(409);
    expect(early.type).toContain("application/problem+json");
    expect(early.body).toMatchObject({ state: "sent", action: "receive", allowedActions: ["cancel"] });
    expect(early.body.detail).toContain("sent");
    expect(early.body.detail).toContain("cancel");

    // Staff of another member (LA) cannot ship LB's request; the borrower's staff cannot ship either.
    const other = await act(staff.LA!, placed.body.id, "ship", { dueDate: inDays(10) });
    expect(other.status).toBe(403);
    const borrower = await act(staff.BOR!, placed.body.id, "ship", { dueDate: inDays(10) });
    expect(borrower.status).toBe(403);
    const noDue = await act(staff.LB!, placed.body.id, "ship");
    expect(noDue.status).toBe(400);
    const pastDue = await act(staff.LB!, placed.body.id, "ship", { dueDate: "2001-01-01" });
    expect(pastDue.status).toBe(400);
    const unknown = await act(staff.LB!, placed.body.id, "expire");
    expect(unknown.status).toBe(400);
    expect((await act(staff.LB!, placed.body.id, "ship", { dueDate: inDays(10) })).body.state).toBe("shipped");
    const again = await act(staff.LB!, placed.body.id, "ship", { dueDate: inDays(10) });
    expect(again.status).toBe(409);
    expect(again.body.state).toBe("shipped");
  });

  it("never shows a patron another patron's request", async (ctx) => {
    if (!ready()) return ctx.skip();
    const owner = await pod!.patron("P6");
    const other = await pod!.patron("P2");
    const placed = await place(owner, pod!.records.private!);
    expect(placed.status).toBe(201);
    expect((await other.get(`/v1/requests/${placed.body.id}`)).status).toBe(404);
    expect((await act(other, placed.body.id, "cancel")).status).toBe(404);
    const mine = await other.get<{ requests: Array<{ id: number }> }>("/v1/requests?mine=1");
    expect(mine.body.requests.map((r) => r.id)).not.toContain(placed.body.id);
    const ownList = await owner.get<{ requests: RequestBody[] }>("/v1/requests?mine=1");
    expect(ownList.body.requests[0]).toMatchObject({ id: placed.body.id, state: "sent" });
    expect(ownList.body.requests[0]!.events).toHaveLength(2);
    // The lender sees the request but not who the patron is.
    const lenderView = await staff.LC!.get<RequestBody>(`/v1/requests/${placed.body.id}`);
    expect(lenderView.status).toBe(200);
    expect(lenderView.body.patron).toBeUndefined();
    expect(lenderView.body.allowedActions).toEqual(["ship", "unfill"]);
    const anonymous = await fetch(`${pod!.api.url}/v1/requests/${placed.body.id}`);
    expect(anonymous.status).toBe(401);
    // Staff of the wrong member cannot read another member's queue.
    expect((await staff.LA!.get("/v1/lending/queue?library=LC")).status).toBe(403);
    const admin = await pod!.admin();
    expect((await admin.get("/v1/lending/queue?library=LC")).status).toBe(200);
  });
});
