/** Placing a request: idempotency and every eligibility rule, over real HTTP on both dialects. */
import type { KyselyPlugin } from "kysely";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { updatePatron, updatePodSettings } from "@interlend/db";
import { placeRequest, presentRequest } from "@interlend/search-api/services/requests/index";
import { HttpProblem } from "@interlend/search-api/http/problem";
import { Notifier } from "@interlend/search-api/notifications/sender";
import { DIALECTS, postgresAvailable } from "../support/databases.ts";
import { newKey, place, startPod, type Pod, type ProblemBody, type RequestBody } from "./pod.ts";

describe.each(DIALECTS)("placing requests on %s", (dialect) => {
  let pod: Pod | undefined;

  beforeAll(async () => {
    if (dialect === "postgres" && !(await postgresAvailable())) return;
    pod = await startPod(
      dialect,
      {
        libraries: [{ code: "BOR" }, { code: "DAY" }, { code: "LA" }, { code: "LB" }],
        patrons: [
          ...["I1", "I2", "E1", "E2", "E3", "E4", "E5", "R1"].map((card) => ({ library: "BOR", card })),
          { library: "BOR", card: "BLK", status: "blocked" as const },
          { library: "BOR", card: "OLD", expiresAt: "2001-01-01T00:00:00Z" },
          { library: "DAY", card: "D1" },
          { library: "DAY", card: "D2" },
        ],
        titles: {
          ...Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`t${i}`, { LA: ["available"], LB: ["on_loan"] }])),
          home: { BOR: ["available"], LA: ["available"] },
          nolender: { BOR: ["on_loan"], LA: ["reference"] },
        },
      },
      { placingRateLimit: { limit: 8, windowMs: 60_000 } },
    );
  });
  afterAll(async () => pod?.close());
  const ready = () => pod !== undefined;
  const slug = (body: ProblemBody) => body.type.split("/").pop();

  it("returns the same request for a retry with the same key, even when the retries race", async (ctx) => {
    if (!ready()) return ctx.skip();
    const patron = await pod!.patron("I1");
    const key = newKey();
    const first = await place(patron, pod!.records.t0!, {}, key);
    expect(first.status).toBe(201);
    const retry = await place(patron, pod!.records.t0!, {}, key);
    expect(retry.status).toBe(200);
    expect(retry.body.id).toBe(first.body.id);
    const reused = await place(patron, pod!.records.t1!, {}, key);
    expect(reused.status).toBe(422);
    expect(slug(reused.body)).toBe("idempotency-key-reused");

    // Five copies of one request in flight at once: one request, the same id for all.
    const other = await pod!.patron("I2");
    const raceKey = newKey();
    const answers = await Promise.all(Array.from({ length: 5 }, () => place(other, pod!.records.t2!, {}, raceKey)));
    const ids = new Set(answers.map((a) => a.body.id));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 200, 200, 201]);
    expect(ids.size).toBe(1);
    const rows = await pod!.database.db.selectFrom("requests").select("id").where("patron_id", "=", pod!.patronIds.I2!).execute();
    expect(rows).toHaveLength(1);
    const events = await pod!.database.db.selectFrom("request_events").select("id").where("request_id", "=", rows[0]!.id).execute();
    expect(events).toHaveLength(2);
  });

  it("places in a handful of statements: two reads, then the locks, the checks and the writes", async (ctx) => {
    if (!ready()) return ctx.skip();
    // Results come back once per statement run (building one may transform several nodes).
    const statements: unknown[] = [];
    const counting: KyselyPlugin = {
      transformQuery: (args) => args.node,
      transformResult: async (args) => {
        statements.push(args.queryId);
        return args.result;
      },
    };
    const db = pod!.database.db.withPlugin(counting);
    const options = { notifier: new Notifier(db) };
    const placeFor = (card: string, title: string) =>
      placeRequest(db, { patronId: pod!.patronIds[card]!, recordId: pod!.records[title]!, serviceType: "loan", idempotencyKey: newKey() }, options);
    await placeFor("E1", "t3"); // settings and lender figures cached for this instance from now on

    statements.length = 0;
    const { request } = await placeFor("E2", "t3");
    // Reads before the transaction: patron (and key), holdings; in it: the locks, the checks, the
    // writes: one statement on PostgreSQL, request, events, send counter and notices on SQLite.
    expect(statements).toHaveLength(dialect === "postgres" ? 5 : 8);
    statements.length = 0;
    const view = await presentRequest(db, request, { kind: "patron", id: request.patron_id, libraryId: request.borrower_library_id, libraryCode: "BOR", name: "E2", via: "session" });
    expect(statements).toHaveLength(0); // placing knew all of it
    expect(view.events.map((e) => [e.from, e.to, e.lender])).toEqual([
      [null, "submitted", null],
      ["submitted", "sent", "LA"],
    ]);
  });

  it("requires an Idempotency-Key and an existing record", async (ctx) => {
    if (!ready()) return ctx.skip();
    const patron = await pod!.patron("E1");
    const noKey = await patron.post<ProblemBody>("/v1/requests", { recordId: pod!.records.t3 });
    expect(noKey.status).toBe(400);
    expect(slug(noKey.body)).toBe("idempotency-key-required");
    const missing = await place(patron, 9_999_999);
    expect(missing.status).toBe(404);
    expect(slug(missing.body)).toBe("record-not-found");
    const bad = await place(patron, pod!.records.t3!, { serviceType: "fax" });
    expect(bad.status).toBe(400);
    const staff = await pod!.staff("BOR");
    expect((await staff.post("/v1/requests", { recordId: pod!.records.t3 }, { "idempotency-key": newKey() })).status).toBe(403);
  });

  it("refuses a duplicate open request for the same title", async (ctx) => {
    if (!ready()) return ctx.skip();
    const patron = await pod!.patron("E2");
    const first = await place(patron, pod!.records.t4!);
    expect(first.status).toBe(201);
    const again = await place(patron, pod!.records.t4!);
    expect(again.status).toBe(409);
    expect(slug(again.body)).toBe("duplicate-request");
    expect(again.body.requestId).toBe(first.body.id);
    expect(again.body.detail).toMatch(/already have an open request/);
  });

  it("sends the patron to their own shelf, with the location", async (ctx) => {
    if (!ready()) return ctx.skip();
    const patron = await pod!.patron("E3");
    const home = await place(patron, pod!.records.home!);
    expect(home.status).toBe(409);
    expect(slug(home.body)).toBe("on-shelf-locally");
    expect(home.body.detail).toContain("ask there");
    expect(home.body.shelf).toMatchObject({ library: "BOR", callNumber: "QA76 .T4", location: "MAIN" });
  });

  it("says when no member can lend the title", async (ctx) => {
    if (!ready()) return ctx.skip();
    const patron = await pod!.patron("E3");
    const none = await place(patron, pod!.records.nolender!);
    expect(none.status).toBe(422);
    expect(slug(none.body)).toBe("no-lender");
    expect(none.body.title).toBe("No member can lend this");
  });

  it("holds the patron's open-request limit and the member's daily limit from the pod settings", async (ctx) => {
    if (!ready()) return ctx.skip();
    const db = pod!.database.db;
    await updatePodSettings(db, { requestLimits: { perPatron: 2 } });
    try {
      const patron = await pod!.patron("E4");
      expect((await place(patron, pod!.records.t5!)).status).toBe(201);
      expect((await place(patron, pod!.records.t6!)).status).toBe(201);
      const third = await place(patron, pod!.records.t7!);
      expect(third.status).toBe(409);
      expect(slug(third.body)).toBe("patron-request-limit");
      expect(third.body.limit).toBe(2);
    } finally {
      await updatePodSettings(db, { requestLimits: { perPatron: 10 } });
    }

    await updatePodSettings(db, { requestLimits: { perMemberDaily: 1 } });
    try {
      expect((await place(await pod!.patron("D1"), pod!.records.t5!)).status).toBe(201);
      const over = await place(await pod!.patron("D2"), pod!.records.t6!);
      expect(over.status).toBe(409);
      expect(slug(over.body)).toBe("member-daily-limit");
    } finally {
      await updatePodSettings(db, { requestLimits: { perMemberDaily: 500 } });
    }
  });

  it("refuses blocked and expired patrons (the session ends; the service says why)", async (ctx) => {
    if (!ready()) return ctx.skip();
    const db = pod!.database.db;
    const slugOf = async (card: string) => {
      try {
        await placeRequest(db, { patronId: pod!.patronIds[card]!, recordId: pod!.records.t8!, serviceType: "loan", idempotencyKey: newKey() });
        return "placed";
      } catch (error) {
        return (error as HttpProblem).problem.type.split("/").pop();
      }
    };
    expect(await slugOf("BLK")).toBe("patron-blocked");
    expect(await slugOf("OLD")).toBe("patron-expired");
    // Over HTTP, a patron blocked after signing in loses the session.
    const patron = await pod!.patron("E5");
    await updatePatron(db, pod!.patronIds.E5!, { status: "blocked" });
    expect((await place(patron, pod!.records.t8!)).status).toBe(401);
  });

  it("limits how fast one patron places requests", async (ctx) => {
    if (!ready()) return ctx.skip();
    const patron = await pod!.patron("R1");
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) statuses.push((await place(patron, 9_000_000 + i)).status);
    expect(statuses.slice(0, 8).every((s) => s === 404)).toBe(true);
    expect(statuses[8]).toBe(429);
    const limited = await place(patron, pod!.records.t9!);
    expect(limited.status).toBe(429);
    expect((limited.body as unknown as ProblemBody).retryAfterSeconds).toBeGreaterThan(0);
    // Another patron is not affected.
    const fresh = await place(await pod!.patron("I1"), pod!.records.t9!);
    expect((fresh.body as RequestBody).state).toBe("sent");
  });
});
