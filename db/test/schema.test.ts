import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createLibrary,
  createSource,
  deleteLibrary,
  finishRun,
  lastRun,
  listLibraries,
  recordRejected,
  recordRunProgress,
  startRun,
  updateLibrary,
  ZERO_COUNTS,
  nowIso,
} from "@interlend/db";
import { DIALECTS, createTestDatabase, postgresAvailable, type TestDatabase } from "../../test/support/databases.ts";

describe.each(DIALECTS)("db schema on %s", (dialect) => {
  let t: TestDatabase | undefined;

  beforeAll(async () => {
    if (dialect === "postgres" && !(await postgresAvailable())) return;
    t = await createTestDatabase(dialect);
  });
  afterAll(async () => t?.dispose());

  it("creates and updates libraries, with unique codes", async (ctx) => {
    if (!t) return ctx.skip();
    const north = await createLibrary(t.db, { code: "NORTH", name: "Northfield Public Library", timezone: "Europe/London" });
    expect(north.id).toBeGreaterThan(0);
    expect(north.timezone).toBe("Europe/London");
    await expect(createLibrary(t.db, { code: "NORTH", name: "Duplicate" })).rejects.toThrow();
    const updated = await updateLibrary(t.db, north.id, { suspendedUntil: "2026-12-31" });
    expect(updated?.suspended_until).toBe("2026-12-31");
    expect((await listLibraries(t.db)).map((l) => l.code)).toEqual(["NORTH"]);
  });

  it("keeps harvest runs with counts, checkpoint and rejected records", async (ctx) => {
    if (!t) return ctx.skip();
    const library = await createLibrary(t.db, { code: "EAST", name: "Eastgate College" });
    const source = await createSource(t.db, {
      libraryId: library.id,
      name: "east-oai",
      protocol: "oai-pmh",
      endpoint: "http://127.0.0.1:1/oai",
      options: { metadataPrefix: "marc21" },
      schedule: "0 2 * * *",
    });
    const run = await startRun(t.db, source.id, "full");
    expect(run.status).toBe("running");
    await t.db.transaction().execute(async (trx) => {
      await recordRunProgress(trx, run.id, { ...ZERO_COUNTS, seen: 10, added: 9, rejected: 1 }, { token: "abc" });
      await recordRejected(trx, run.id, [{ position: 3, reason: "bad leader", raw: "junk" }]);
    });
    await finishRun(t.db, run.id, "succeeded", { ...ZERO_COUNTS, seen: 10, added: 9, rejected: 1 });
    const last = await lastRun(t.db, source.id, "succeeded");
    expect(last).toMatchObject({ id: run.id, seen: 10, added: 9, rejected: 1, status: "succeeded" });
    expect(JSON.parse(last!.checkpoint!)).toEqual({ token: "abc" });
    const rejected = await t.db.selectFrom("rejected_records").selectAll().where("run_id", "=", run.id).execute();
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.reason).toBe("bad leader");
  });

  it("rolls back a failed transaction completely", async (ctx) => {
    if (!t) return ctx.skip();
    const before = (await listLibraries(t.db)).length;
    await expect(
      t.db.transaction().execute(async (trx) => {
        await createLibrary(trx, { code: "TEMP", name: "Temporary" });
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await listLibraries(t.db)).toHaveLength(before);
  });

  it("cascades a library's deletion to its sources and records", async (ctx) => {
    if (!t) return ctx.skip();
    const library = await createLibrary(t.db, { code: "GONE", name: "Closing Branch" });
    const source = await createSource(t.db, { libraryId: library.id, name: "gone-file", protocol: "file", endpoint: "/tmp/x.mrc" });
    await t.db
      .insertInto("bib_records")
      .values({
        library_id: library.id, source_id: source.id, local_id: "1", title: "T", data: "{}", marc: "{}",
        content_hash: "h", updated_at: nowIso(), datestamp: null, cluster_id: null,
      })
      .execute();
    expect(await deleteLibrary(t.db, library.id)).toBe(true);
    const left = await t.db.selectFrom("bib_records").select("id").where("library_id", "=", library.id).execute();
    expect(left).toHaveLength(0);
  });

  it("stores patrons, requests and their events", async (ctx) => {
    if (!t) return ctx.skip();
    const library = await createLibrary(t.db, { code: "WEST", name: "Westbrook" });
    const now = nowIso();
    const patron = await t.db
      .insertInto("patrons")
      .values({ library_id: library.id, card_number: "2100001", name: "A Reader", email: null, pin_hash: "x", status: "active", expires_at: null, created_at: now })
      .returning("id")
      .executeTakeFirstOrThrow();
    const request = await t.db
      .insertInto("requests")
      .values({
        patron_id: patron.id, borrower_library_id: library.id, cluster_id: 1, pickup_location: "Main desk",
        service_type: "loan", state: "submitted", rota: "[]", rota_position: 0, lender_library_id: null,
        idempotency_key: "key-1", due_date: null, created_at: now, updated_at: now,
      })
      .returning("id")
      .executeTakeFirstOrThrow();
    await t.db
      .insertInto("request_events")
      .values({ request_id: request.id, at: now, actor: "patron:1", from_state: null, to_state: "submitted", lender_library_id: null, reason: null })
      .execute();
    await expect(
      t.db
        .insertInto("requests")
        .values({
          patron_id: patron.id, borrower_library_id: library.id, cluster_id: 1, pickup_location: null,
          service_type: "loan", state: "submitted", rota: "[]", rota_position: 0, lender_library_id: null,
          idempotency_key: "key-1", due_date: null, created_at: now, updated_at: now,
        })
        .execute(),
    ).rejects.toThrow();
    const events = await t.db.selectFrom("request_events").selectAll().where("request_id", "=", request.id).execute();
    expect(events.map((e) => e.to_state)).toEqual(["submitted"]);
  });
});
