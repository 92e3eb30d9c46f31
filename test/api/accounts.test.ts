/** Admin account management over HTTP: staff users, API tokens with scopes, patron CSV import. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, ensureLibrary } from "@interlend/db";
import { cachedLibraryNames } from "@interlend/search-api/library-names";
import { startApiServer, type RunningServer } from "@interlend/search-api/server";
import { createTestDatabase, DIALECTS, postgresAvailable, type TestDatabase } from "../support/databases.ts";
import { HttpSession } from "../support/http-session.ts";

describe.each(DIALECTS)("admin accounts API on %s", (dialect) => {
  let database: TestDatabase | undefined;
  let api: RunningServer;
  let admin: HttpSession;

  beforeAll(async () => {
    if (dialect === "postgres" && !(await postgresAvailable())) return;
    database = await createTestDatabase(dialect);
    await ensureLibrary(database.db, { code: "WEST", name: "West" });
    await createUser(database.db, { email: "admin@acc.test", password: "admin password 1", name: "Admin", role: "admin" });
    api = await startApiServer({ db: database.db, search: { search: async () => ({ hits: [] }), healthy: async () => true }, libraryNames: cachedLibraryNames(database.db) }, "127.0.0.1", 0);
    admin = await HttpSession.staff(api.url, "admin@acc.test", "admin password 1");
  });
  afterAll(async () => {
    await api?.close();
    await database?.dispose();
  });
  const ready = () => database !== undefined;

  it("adds staff of a member, refusing duplicates and weak passwords with the field named", async (ctx) => {
    if (!ready()) return ctx.skip();
    const created = await admin.post<{ role: string; library: string }>("/v1/admin/users", { email: "Lender@West.test", name: "Lee", password: "lender password 1", role: "staff", library: "WEST" });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ role: "staff", library: "WEST" });
    expect((await admin.post("/v1/admin/users", { email: "lender@west.test", name: "Again", password: "lender password 1", role: "staff", library: "WEST" })).status).toBe(409);
    const weak = await admin.post("/v1/admin/users", { email: "new@west.test", name: "New", password: "short", role: "staff", library: "WEST" });
    expect(weak.status).toBe(400);
    expect(JSON.stringify(weak.body)).toContain("password");
    expect((await admin.post("/v1/admin/users", { email: "nolib@west.test", name: "No lib", password: "lender password 1", role: "staff" })).status).toBe(400);
    const staff = await HttpSession.staff(api.url, "lender@west.test", "lender password 1");
    expect((await staff.get("/v1/admin/users")).status).toBe(403);
  });

  it("issues API tokens whose scopes are enforced, and revokes them", async (ctx) => {
    if (!ready()) return ctx.skip();
    const lending = await admin.post<{ id: number; token: string }>("/v1/admin/api-clients", { library: "WEST", name: "west-ils", scopes: ["lending"] });
    expect(lending.status).toBe(201);
    expect(lending.body.token).toMatch(/^ilk_/);
    const statsOnly = await admin.post<{ token: string }>("/v1/admin/api-clients", { library: "WEST", name: "west-reports", scopes: ["stats"] });
    const ils = new HttpSession(api.url, lending.body.token);
    expect((await ils.get("/v1/lending/queue?library=WEST")).status).toBe(200);
    const refused = await new HttpSession(api.url, statsOnly.body.token).get<{ type: string }>("/v1/lending/queue?library=WEST");
    expect(refused.status).toBe(403);
    expect(refused.body.type).toMatch(/insufficient-scope/);
    const listed = await admin.get<{ clients: Array<{ name: string; token?: string }> }>("/v1/admin/api-clients");
    expect(listed.body.clients.map((c) => c.name)).toEqual(["west-ils", "west-reports"]);
    expect(JSON.stringify(listed.body)).not.toContain("ilk_");
    expect((await admin.delete(`/v1/admin/api-clients/${lending.body.id}`)).status).toBe(200);
    expect((await ils.get("/v1/lending/queue?library=WEST")).status).toBe(401);
  });

  it("imports patrons from a member's CSV, reporting bad rows and keeping the good ones", async (ctx) => {
    if (!ready()) return ctx.skip();
    const [west] = (await admin.get<{ libraries: Array<{ id: number }> }>("/v1/admin/libraries")).body.libraries;
    const csv = ["card,name,email,status,expiry,pin", "W100,Ada Reader,ada@example.org,active,2030-01-01,4321", "W101,,bad@example.org,active,2030-01-01,", "W102,Bo Reader,not-an-email,active,,"].join("\n");
    const imported = await admin.post<{ created: number; failed: number; rows: Array<{ line: number; outcome: string; error?: string }> }>(`/v1/admin/libraries/${west!.id}/patrons/import`, { csv });
    expect(imported.status).toBe(200);
    expect(imported.body.created).toBe(1);
    expect(imported.body.failed).toBe(2);
    expect(imported.body.rows.filter((r) => r.outcome === "failed").every((r) => (r.error ?? "").length > 0)).toBe(true);
    await HttpSession.patron(api.url, "WEST", "W100", "4321");
    expect((await admin.post(`/v1/admin/libraries/${west!.id}/patrons/import`, { csv: "nothing,useful\n1,2" })).status).toBe(400);
  });
});
