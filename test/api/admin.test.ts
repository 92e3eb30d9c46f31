/** The admin API over real HTTP, with real sign-in, a real scheduler and real harvests, on both dialects. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPatron, createUser, ensureLibrary } from "@interlend/db";
import { toIso2709 } from "@interlend/harvester/marc/writers";
import { runHarvest } from "@interlend/harvester/run/run-harvest";
import { HarvestScheduler } from "@interlend/harvester/schedule/scheduler";
import { cachedLibraryNames } from "@interlend/search-api/library-names";
import { startApiServer, type RunningServer } from "@interlend/search-api/server";
import { createTestDatabase, DIALECTS, postgresAvailable, type TestDatabase } from "../support/databases.ts";
import { HttpSession } from "../support/http-session.ts";
import { bibRecord } from "../support/marc-factory.ts";

const ADMIN = { email: "admin@pod.test", password: "correct horse battery" };
const STAFF = { email: "staff@pod.test", password: "staff password 1" };

describe.each(DIALECTS)("admin API on %s", (dialect) => {
  let database: TestDatabase | undefined;
  let api: RunningServer;
  let scheduler: HarvestScheduler;
  let dataDir: string;
  let admin: HttpSession;

  beforeAll(async () => {
    if (dialect === "postgres" && !(await postgresAvailable())) return;
    database = await createTestDatabase(dialect);
    const db = database.db;
    dataDir = mkdtempSync(path.join(os.tmpdir(), "interlend-admin-"));
    mkdirSync(path.join(dataDir, "imports", "uploads"), { recursive: true });
    const records = [
      ...Array.from({ length: 30 }, (_, i) => toIso2709(bibRecord({ id: `r${i}`, title: `Admin title ${i}`, isbns: [], items: [[`b${i}`, "available"]] }))),
      Buffer.from("THIS IS NOT A MARC RECORD AT ALL\x1d"),
    ];
    writeFileSync(path.join(dataDir, "imports", "west.mrc"), Buffer.concat(records));
    const home = await ensureLibrary(db, { code: "HOME", name: "Home Library" });
    await createUser(db, { ...ADMIN, name: "Admin", role: "admin" });
    await createUser(db, { ...STAFF, name: "Staff", role: "staff", libraryId: home.id });
    await createPatron(db, { libraryId: home.id, cardNumber: "P1", name: "Pat", pin: "1234" });
    scheduler = new HarvestScheduler({ db, run: (source) => runHarvest({ db, source }) });
    api = await startApiServer(
      { db, search: { search: async () => ({ hits: [] }), healthy: async () => true }, libraryNames: cachedLibraryNames(db), harvests: scheduler, fileRoots: [path.join(dataDir, "imports")], maxUploadBytes: 60_000 },
      "127.0.0.1",
      0,
    );
    admin = await HttpSession.staff(api.url, ADMIN.email, ADMIN.password);
  });

  afterAll(async () => {
    await scheduler?.stop();
    await api?.close();
    await database?.dispose();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  const ready = () => database !== undefined;

  it("lets only consortium admins in", async (ctx) => {
    if (!ready()) return ctx.skip();
    const anonymous = new HttpSession(api.url);
    expect((await anonymous.get("/v1/admin/libraries")).status).toBe(401);
    const staff = await HttpSession.staff(api.url, STAFF.email, STAFF.password);
    expect((await staff.get("/v1/admin/libraries")).status).toBe(403);
    const patron = await HttpSession.patron(api.url, "HOME", "P1", "1234");
    expect((await patron.post("/v1/admin/libraries", { code: "EVIL", name: "x" })).status).toBe(403);
    expect((await admin.get("/v1/admin/libraries")).status).toBe(200);
  });

  it("adds, changes and lists members, with clear errors for bad input", async (ctx) => {
    if (!ready()) return ctx.skip();
    const created = await admin.post<{ id: number; code: string }>("/v1/admin/libraries", { code: "WEST", name: "West Library", timezone: "America/Chicago" });
    expect(created.status).toBe(201);
    expect((await admin.post("/v1/admin/libraries", { code: "WEST", name: "Again" })).status).toBe(409);
    const bad = await admin.post("/v1/admin/libraries", { code: "x", name: "", timezone: "Nowhere/Land", colour: "red" });
    expect(bad.status).toBe(400);
    expect(bad.type).toContain("application/problem+json");
    const patched = await admin.patch<{ suspendedUntil: string }>(`/v1/admin/libraries/${created.body.id}`, { suspendedUntil: "2030-01-01" });
    expect(patched.body.suspendedUntil).toBe("2030-01-01");
    const hours = { open: 8, close: 18, closedDays: [0], closedDates: ["2030-12-25", "2030-12-26"] };
    const withHours = await admin.patch<{ openingHours: unknown }>(`/v1/admin/libraries/${created.body.id}`, { openingHours: hours });
    expect(withHours.body.openingHours).toEqual(hours);
    for (const badHours of [{ open: 18, close: 8 }, { open: 9, close: 17, closedDays: [0, 1, 2, 3, 4, 5, 6] }, { open: 9, close: 17, closedDates: ["25/12/2030"] }]) {
      const refused = await admin.patch(`/v1/admin/libraries/${created.body.id}`, { openingHours: badHours });
      expect(refused.status, JSON.stringify(badHours)).toBe(400);
    }
    expect((await admin.get<{ libraries: Array<{ code: string; openingHours: unknown }> }>("/v1/admin/libraries")).body.libraries.find((l) => l.code === "WEST")?.openingHours).toEqual(hours);
    const reset = await admin.patch<{ openingHours: unknown }>(`/v1/admin/libraries/${created.body.id}`, { openingHours: null });
    expect(reset.body.openingHours).toBeNull();
    const list = await admin.get<{ libraries: Array<{ code: string }> }>("/v1/admin/libraries");
    expect(list.body.libraries.map((l) => l.code)).toEqual(["HOME", "WEST"]);
    expect((await admin.request("POST", "/v1/admin/libraries", undefined, { "content-type": "application/json" })).status).toBe(400);
  });

  it("refuses sources that point outside the import folder or carry a bad schedule", async (ctx) => {
    if (!ready()) return ctx.skip();
    for (const endpoint of ["../../../etc/passwd", "/etc/passwd", "imports/../../secret.mrc"]) {
      const response = await admin.post("/v1/admin/sources", { library: "WEST", name: `evil ${endpoint.length}`, protocol: "file", endpoint });
      expect(response.status, endpoint).toBe(400);
      expect(JSON.stringify(response.body)).toContain("endpoint");
    }
    const badCron = await admin.post("/v1/admin/sources", { library: "WEST", name: "bad-cron", protocol: "file", endpoint: "west.mrc", schedule: "every monday" });
    expect(badCron.status).toBe(400);
    expect(JSON.stringify(badCron.body)).toContain("schedule");
    const badUrl = await admin.post("/v1/admin/sources", { library: "WEST", name: "bad-url", protocol: "oai-pmh", endpoint: "ftp://x" });
    expect(badUrl.status).toBe(400);
  });

  it("creates a source, harvests it now, and shows the run with its rejected record", async (ctx) => {
    if (!ready()) return ctx.skip();
    const created = await admin.post<{ id: number; endpoint: string; holdingsMapping: { tag: string } }>("/v1/admin/sources", {
      library: "WEST",
      name: "west-file",
      protocol: "file",
      endpoint: "west.mrc",
      holdingsMapping: "koha-952",
      schedule: "0 3 * * *",
    });
    expect(created.status).toBe(201);
    expect(created.body.holdingsMapping.tag).toBe("952");
    const sources = await admin.get<{ sources: Array<{ id: number; nextRun: string | null }> }>("/v1/admin/sources");
    expect(sources.body.sources.find((s) => s.id === created.body.id)?.nextRun).toBeTruthy();

    expect((await admin.post(`/v1/admin/sources/${created.body.id}/harvest`)).status).toBe(202);
    await scheduler.queue.idle();
    const runs = await admin.get<{ runs: Array<{ id: number; status: string; counts: { seen: number; added: number; rejected: number } }> }>(
      `/v1/admin/runs?source=${created.body.id}`,
    );
    const [run] = runs.body.runs;
    expect(run).toMatchObject({ status: "partial", counts: { added: 30, rejected: 1 } });
    const rejected = await admin.get<{ rejected: Array<{ reason: string }> }>(`/v1/admin/runs/${run!.id}/rejected`);
    expect(rejected.body.rejected).toHaveLength(1);
    expect(rejected.body.rejected[0]!.reason.length).toBeGreaterThan(5);
    expect((await admin.get("/v1/admin/runs/999999/rejected")).status).toBe(404);

    const removed = await admin.delete<{ recordsWithdrawn: number }>(`/v1/admin/sources/${created.body.id}`);
    expect(removed.body.recordsWithdrawn).toBe(30);
    const left = await database!.db.selectFrom("bib_records").select("id").execute();
    expect(left).toHaveLength(0);
  });

  it("publishes an OpenAPI document listing the admin routes and who may call them", async (ctx) => {
    if (!ready()) return ctx.skip();
    const doc = await new HttpSession(api.url).get<{ openapi: string; paths: Record<string, Record<string, { "x-roles": string[] }>> }>("/v1/openapi.json");
    expect(doc.body.openapi).toBe("3.1.0");
    expect(doc.body.paths["/v1/admin/sources/{id}/harvest"]?.post?.["x-roles"]).toEqual(["admin"]);
  });

  it("takes a MARC file upload into a folder source and harvests it", async (ctx) => {
    if (!ready()) return ctx.skip();
    const created = await admin.post<{ id: number }>("/v1/admin/sources", { library: "WEST", name: "west-uploads", protocol: "file", endpoint: "uploads" });
    expect(created.status).toBe(201);
    const file = Buffer.concat(Array.from({ length: 12 }, (_, i) => toIso2709(bibRecord({ id: `up${i}`, title: `Uploaded ${i}`, isbns: [] }))));
    const upload = `/v1/admin/sources/${created.body.id}/upload`;
    const accepted = await admin.upload<{ file: string; bytes: number; harvest: { accepted: boolean } }>(`${upload}?filename=west-2026.mrc`, file);
    expect(accepted.status).toBe(202);
    expect(accepted.body).toMatchObject({ bytes: file.length, harvest: { accepted: true } });
    await scheduler.queue.idle();
    const runs = await admin.get<{ runs: Array<{ status: string; counts: { added: number } }> }>(`/v1/admin/runs?source=${created.body.id}`);
    expect(runs.body.runs[0]).toMatchObject({ status: "succeeded", counts: { added: 12 } });

    expect((await admin.upload(`${upload}?filename=../../etc/passwd.mrc`, file)).status).toBe(400);
    expect((await admin.upload(`${upload}?filename=big.mrc`, Buffer.alloc(70_000, 0x41))).status).toBe(413);
    const staff = await HttpSession.staff(api.url, STAFF.email, STAFF.password);
    expect((await staff.upload(`${upload}?filename=x.mrc`, file)).status).toBe(403);
    const files = await admin.get<{ sources: Array<{ id: number }> }>("/v1/admin/sources");
    const single = files.body.sources.find((s) => s.id !== created.body.id);
    if (single) expect((await admin.upload(`/v1/admin/sources/${single.id}/upload?filename=x.mrc`, file)).status).toBe(409);
  });
});
