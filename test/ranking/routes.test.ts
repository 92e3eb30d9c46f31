/** Copies, lender stats, lending history and settings over real HTTP with real sign-in, on both dialects. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "@interlend/db";
import { cachedLibraryNames } from "@interlend/search-api/library-names";
import { startApiServer, type RunningServer } from "@interlend/search-api/server";
import { createTestDatabase, DIALECTS, postgresAvailable, type TestDatabase } from "../support/databases.ts";
import { HttpSession } from "../support/http-session.ts";
import { cluster, DAY_MS, holding, member, pastRequests, patron, type Member } from "./fixtures.ts";

const ADMIN = { email: "admin@ranking.test", password: "correct horse battery" };
const STAFF = { email: "staff@ranking.test", password: "staff password 1" };

interface CopiesBody {
  record: number;
  borrower: string;
  service: string;
  ownShelf: { library: string; callNumber: string | null; location: string | null } | null;
  copies: Array<{
    rank: number;
    library: string;
    tier: string;
    reason: string;
    figures: { expectedDays: number; lentMinusBorrowed: number };
  }>;
}

describe.each(DIALECTS)("ranking API on %s", (dialect) => {
  let database: TestDatabase | undefined;
  let api: RunningServer;
  let admin: HttpSession;
  let staff: HttpSession;
  let anonymous: HttpSession;
  let home: Member, north: Member, south: Member;
  let title: number;

  beforeAll(async () => {
    if (dialect === "postgres" && !(await postgresAvailable())) return;
    database = await createTestDatabase(dialect);
    const db = database.db;
    home = await member(db, "HOME", { latitude: 51.5074, longitude: -0.1278 }); // London
    north = await member(db, "NORTH", { latitude: 55.9533, longitude: -3.1883 }); // Edinburgh
    south = await member(db, "SOUTH", { latitude: 50.8225, longitude: -0.1372 }); // Brighton
    await createUser(db, { ...ADMIN, name: "Admin", role: "admin" });
    await createUser(db, { ...STAFF, name: "Staff", role: "staff", libraryId: home.library.id });

    title = await cluster(db);
    await holding(db, title, home, [{ status: "on_loan", dueDate: "2030-01-01" }]);
    await holding(db, title, north, [{ callNumber: "PR6045 .N1" }]);
    await holding(db, title, south, [{ callNumber: "PR6045 .S1" }, { status: "missing" }]);

    // NORTH has shipped 20 requests in a day each; SOUTH 20 in 6 days each.
    const patronId = await patron(db, home.library.id);
    const now = Date.now();
    await pastRequests(
      db,
      Array.from({ length: 40 }, (_, i) => ({
        borrower: home.library.id,
        lender: i % 2 === 0 ? north.library.id : south.library.id,
        patronId,
        clusterId: title,
        sentAt: now - (10 + i) * DAY_MS,
        outcome: "shipped" as const,
        turnaroundDays: i % 2 === 0 ? 1 : 6,
      })),
    );

    api = await startApiServer(
      {
        db,
        search: { search: async () => ({ hits: [] }), healthy: async () => true },
        libraryNames: cachedLibraryNames(db),
      },
      "127.0.0.1",
      0,
    );
    admin = await HttpSession.staff(api.url, ADMIN.email, ADMIN.password);
    staff = await HttpSession.staff(api.url, STAFF.email, STAFF.password);
    anonymous = new HttpSession(api.url);
  });

  afterAll(async () => {
    await api?.close();
    await database?.dispose();
  });

  const ready = () => database !== undefined;

  it("ranks a record's copies for a borrower, publicly, with reasons", async (ctx) => {
    if (!ready()) return ctx.skip();
    const response = await anonymous.get<CopiesBody>(`/v1/records/${title}/copies?borrower=HOME`);
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ record: title, borrower: "HOME", service: "loan", ownShelf: null });
    expect(response.body.copies.map((c) => [c.rank, c.library, c.tier])).toEqual([
      [1, "NORTH", "on_shelf"],
      [2, "SOUTH", "on_shelf"],
    ]);
    expect(response.body.copies[0]!.reason).toBe(
      "on shelf · ships in ~1 day (median of 20) · lent 20 more than borrowed",
    );

    const copyService = await anonymous.get<CopiesBody>(
      `/v1/records/${title}/copies?borrower=NORTH&service=copy`,
    );
    expect(copyService.body.ownShelf).toMatchObject({
      library: "NORTH",
      callNumber: "PR6045 .N1",
      location: "Stacks",
    });
    expect(copyService.body.copies.map((c) => [c.library, c.tier])).toEqual([
      ["SOUTH", "on_shelf"],
      ["HOME", "on_loan"],
    ]);

    // A signed-in staff member's own library is the default borrower.
    expect((await staff.get<CopiesBody>(`/v1/records/${title}/copies`)).body.borrower).toBe("HOME");
  });

  it("answers 404 for an unknown record and 400 for an unknown or missing borrower", async (ctx) => {
    if (!ready()) return ctx.skip();
    const missing = await anonymous.get<{ status: number; type: string }>(
      "/v1/records/987654/copies?borrower=HOME",
    );
    expect(missing.status).toBe(404);
    expect(missing.type).toContain("application/problem+json");
    const unknown = await anonymous.get<{ errors: Array<{ path: string }> }>(
      `/v1/records/${title}/copies?borrower=NOPE`,
    );
    expect(unknown.status).toBe(400);
    expect(unknown.type).toContain("application/problem+json");
    expect(unknown.body.errors[0]!.path).toBe("borrower");
    expect((await anonymous.get(`/v1/records/${title}/copies`)).status).toBe(400);
    expect((await anonymous.get(`/v1/records/${title}/copies?borrower=HOME&service=fax`)).status).toBe(400);
    expect((await anonymous.get(`/v1/records/abc/copies?borrower=HOME`)).status).toBe(400);
  });

  it("shows lender stats to staff, admins and API clients only", async (ctx) => {
    if (!ready()) return ctx.skip();
    expect((await anonymous.get("/v1/stats/lenders")).status).toBe(401);
    const response = await staff.get<{
      days: number;
      lenders: Array<Record<string, unknown>>;
      pod: Record<string, unknown>;
    }>("/v1/stats/lenders?days=30");
    expect(response.status).toBe(200);
    expect(response.body.days).toBe(30);
    const byCode = Object.fromEntries(response.body.lenders.map((l) => [l.library, l]));
    expect(byCode.NORTH).toMatchObject({
      received: 10,
      filled: 10,
      fillRate: 1,
      medianTurnaroundDays: 1,
      p90TurnaroundDays: 1,
      lent: 10,
      borrowed: 0,
    });
    expect(byCode.HOME).toMatchObject({
      received: 0,
      filled: 0,
      fillRate: null,
      medianTurnaroundDays: null,
      lent: 0,
      borrowed: 20,
    });
    expect(response.body.pod).toMatchObject({ received: 20, filled: 20 });
    expect((await staff.get("/v1/stats/lenders?days=0")).status).toBe(400);
  });

  it("imports lending history (admins only) with per-row results", async (ctx) => {
    if (!ready()) return ctx.skip();
    const day = (n: number) => new Date(Date.now() - n * DAY_MS).toISOString().slice(0, 10);
    const csv = `lender,borrower,requested_at,shipped_at,filled\nSOUTH,HOME,${day(5)},${day(4)},yes\nSOUTH,HOME,not a date,,no\n`;
    expect((await staff.post("/v1/admin/lending-history", { csv })).status).toBe(403);
    const response = await admin.post<{
      imported: number;
      failed: number;
      rows: Array<{ line: number; error: string }>;
    }>("/v1/admin/lending-history", { csv });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ imported: 1, failed: 1, rows: [{ line: 3, outcome: "error" }] });
    const stats = await admin.get<{ lenders: Array<{ library: string; received: number }> }>(
      "/v1/stats/lenders?days=30",
    );
    expect(stats.body.lenders.find((l) => l.library === "SOUTH")!.received).toBe(11);
    expect((await admin.post("/v1/admin/lending-history", { csv: "just,some,words\n1,2,3" })).status).toBe(
      400,
    );
  });

  it("lets only admins read and change the settings, and the ranking follows them", async (ctx) => {
    if (!ready()) return ctx.skip();
    expect((await anonymous.get("/v1/admin/settings")).status).toBe(401);
    expect((await staff.get("/v1/admin/settings")).status).toBe(403);
    expect((await staff.patch("/v1/admin/settings", { responseWindowHours: 24 })).status).toBe(403);

    const read = await admin.get<{ ranking: { loadBalanceWeight: number }; responseWindowHours: number }>(
      "/v1/admin/settings",
    );
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ responseWindowHours: 48, ranking: { loadBalanceWeight: 0.01 } });

    const bad = await admin.patch<{ errors: Array<{ path: string }> }>("/v1/admin/settings", {
      ranking: { windowDays: 0 },
      colour: "red",
    });
    expect(bad.status).toBe(400);
    expect(bad.type).toContain("application/problem+json");

    // Weigh distance heavily: far-away NORTH drops behind nearby SOUTH.
    const patched = await admin.patch<{ ranking: Record<string, number>; responseWindowHours: number }>(
      "/v1/admin/settings",
      {
        ranking: { distanceWeight: 0.1 },
        responseWindowHours: 24,
      },
    );
    expect(patched.status).toBe(200);
    expect(patched.body.ranking).toMatchObject({
      distanceWeight: 0.1,
      loadBalanceWeight: 0.01,
      turnaroundWeight: 1,
      windowDays: 90,
    });
    expect(patched.body.responseWindowHours).toBe(24);
    const ranked = await anonymous.get<CopiesBody>(`/v1/records/${title}/copies?borrower=HOME`);
    expect(ranked.body.copies.map((c) => c.library)).toEqual(["SOUTH", "NORTH"]);
    expect(ranked.body.copies[1]!.reason).toContain("534 km away");
    await admin.patch("/v1/admin/settings", { ranking: { distanceWeight: 0 } });
  });

  it("documents the new routes in the OpenAPI document", async (ctx) => {
    if (!ready()) return ctx.skip();
    const doc = await anonymous.get<{ paths: Record<string, Record<string, unknown>> }>("/v1/openapi.json");
    expect(Object.keys(doc.body.paths)).toEqual(
      expect.arrayContaining([
        "/v1/records/{id}/copies",
        "/v1/stats/lenders",
        "/v1/admin/settings",
        "/v1/admin/lending-history",
      ]),
    );
    expect(Object.keys(doc.body.paths["/v1/admin/settings"]!)).toEqual(
      expect.arrayContaining(["get", "patch"]),
    );
  });
});
