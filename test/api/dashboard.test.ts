/** The admin dashboard's figures over HTTP, from a real harvest and a real request row, on both dialects. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPatron, createSource, createUser, ensureLibrary } from "@interlend/db";
import { runHarvest } from "@interlend/harvester/run/run-harvest";
import { cachedLibraryNames } from "@interlend/search-api/library-names";
import { startApiServer, type RunningServer } from "@interlend/search-api/server";
import { createTestDatabase, DIALECTS, postgresAvailable, type TestDatabase } from "../support/databases.ts";
import { HttpSession } from "../support/http-session.ts";
import { bibRecord, memorySource } from "../support/marc-factory.ts";

interface Dashboard {
  days: number;
  requestsPerDay: Array<{ date: string; requests: number }>;
  unionRecords: number;
  memberRecords: number;
  sources: Array<{ name: string; library: string; records: number; lastRun: { status: string } | null }>;
}

describe.each(DIALECTS)("admin dashboard on %s", (dialect) => {
  let database: TestDatabase | undefined;
  let api: RunningServer;

  beforeAll(async () => {
    if (dialect === "postgres" && !(await postgresAvailable())) return;
    database = await createTestDatabase(dialect);
    const db = database.db;
    const home = await ensureLibrary(db, { code: "HOME", name: "Home" });
    const lend = await ensureLibrary(db, { code: "LEND", name: "Lender" });
    for (const [library, ids] of [[home, ["h1", "h2"]], [lend, ["l1", "l2", "l3"]]] as const) {
      const source = await createSource(db, { libraryId: library.id, name: `${library.code}-mem`, protocol: "file", endpoint: "memory" });
      // h1/l1 are the same work (shared ISBN): 5 member records, 4 union records.
      await runHarvest({ db, source, adapter: memorySource([ids.map((id) => bibRecord({ id, title: `Dash ${id}`, isbns: id.endsWith("1") ? ["9780000000101"] : [] }))]) });
    }
    const patron = await createPatron(db, { libraryId: home.id, cardNumber: "D1", name: "Dee" });
    const now = new Date().toISOString();
    await db.insertInto("requests").values({ patron_id: patron.id, borrower_library_id: home.id, cluster_id: 1, pickup_location: null, service_type: "loan", state: "sent", rota: "[]", rota_position: 0, lender_library_id: lend.id, idempotency_key: "dash-1", due_date: null, created_at: now, updated_at: now }).execute();
    await createUser(db, { email: "admin@dash.test", password: "admin password 1", name: "Admin", role: "admin" });
    api = await startApiServer({ db, search: { search: async () => ({ hits: [] }), healthy: async () => true }, libraryNames: cachedLibraryNames(db) }, "127.0.0.1", 0);
  });
  afterAll(async () => {
    await api?.close();
    await database?.dispose();
  });

  it("counts union and member records, requests per day and each source's last run", async (ctx) => {
    if (!database) return ctx.skip();
    const admin = await HttpSession.staff(api.url, "admin@dash.test", "admin password 1");
    const response = await admin.get<Dashboard>("/v1/admin/dashboard");
    expect(response.status).toBe(200);
    const body = response.body;
    expect(body.memberRecords).toBe(5);
    expect(body.unionRecords).toBe(4);
    expect(body.requestsPerDay).toHaveLength(body.days);
    expect(body.requestsPerDay.at(-1)?.requests).toBe(1);
    expect(body.requestsPerDay.reduce((sum, d) => sum + d.requests, 0)).toBe(1);
    expect(body.sources.map((s) => [s.library, s.records, s.lastRun?.status])).toEqual([
      ["HOME", 2, "succeeded"],
      ["LEND", 3, "succeeded"],
    ]);
  });
});
