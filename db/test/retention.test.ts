import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createPatron, ensureLibrary, purgePatronData, type Dialect } from "@interlend/db";
import { createTestDatabase, DIALECTS, postgresAvailable, type TestDatabase } from "../../test/support/databases.ts";

const DAY = 86_400_000;

describe.each(DIALECTS)("patron data retention on %s", (dialect: Dialect) => {
  let database: TestDatabase | undefined;
  beforeEach(async (ctx) => {
    if (dialect === "postgres" && !(await postgresAvailable())) return ctx.skip();
    database = await createTestDatabase(dialect);
  });
  afterEach(async () => {
    await database?.dispose();
    database = undefined;
  });

  it("anonymises closed requests past retention, keeps open and recent ones, deletes long-expired patrons", async () => {
    const db = database!.db;
    const now = new Date("2026-12-01T12:00:00Z");
    const home = await ensureLibrary(db, { code: "HOME", name: "Home" });
    const lender = await ensureLibrary(db, { code: "LEND", name: "Lender" });
    const pat = await createPatron(db, { libraryId: home.id, cardNumber: "P1", name: "Pat Reader", email: "pat@example.org" });
    const gone = await createPatron(db, { libraryId: home.id, cardNumber: "P2", name: "Gone", status: "expired", expiresAt: new Date(now.getTime() - 400 * DAY).toISOString() });
    const request = async (state: string, ageDays: number) => {
      const at = new Date(now.getTime() - ageDays * DAY).toISOString();
      const row = await db
        .insertInto("requests")
        .values({ patron_id: pat.id, borrower_library_id: home.id, cluster_id: 1, pickup_location: "Front desk", service_type: "loan", state, rota: "[]", rota_position: 0, lender_library_id: lender.id, idempotency_key: `${state}-${ageDays}`, due_date: null, created_at: at, updated_at: at })
        .returning("id")
        .executeTakeFirstOrThrow();
      await db.insertInto("request_events").values({ request_id: row.id, at, actor: `patron:${pat.id}`, from_state: null, to_state: "submitted", lender_library_id: null, reason: null }).execute();
      return row.id;
    };
    const old = await request("completed", 200);
    const recent = await request("completed", 10);
    const open = await request("shipped", 200);

    const result = await purgePatronData(db, 90, now);
    expect(result).toEqual({ requestsAnonymised: 1, patronsDeleted: 1 });
    const rows = await db.selectFrom("requests").innerJoin("patrons", "patrons.id", "requests.patron_id").select(["requests.id", "patrons.name", "requests.pickup_location"]).orderBy("requests.id").execute();
    expect(rows.find((r) => r.id === old)).toMatchObject({ name: "Anonymised patron", pickup_location: null });
    expect(rows.find((r) => r.id === recent)?.name).toBe("Pat Reader");
    expect(rows.find((r) => r.id === open)?.name).toBe("Pat Reader");
    const actors = await db.selectFrom("request_events").select(["request_id", "actor"]).execute();
    expect(actors.find((a) => a.request_id === old)?.actor).toBe("patron");
    expect(actors.find((a) => a.request_id === recent)?.actor).toBe(`patron:${pat.id}`);
    expect(await db.selectFrom("patrons").select("id").where("id", "=", gone.id).executeTakeFirst()).toBeUndefined();
    expect(await purgePatronData(db, 90, now)).toEqual({ requestsAnonymised: 0, patronsDeleted: 0 });
  });
});
