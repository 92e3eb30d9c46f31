/**
 * Hostile and broken input over HTTP: oversized bodies, wrong types, unknown fields, and injection
 * strings in every text parameter of every route. Each gets a clear 4xx problem (never a 500),
 * nothing stored is lost, and the server keeps serving.
 */
import http from "node:http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, ensureLibrary } from "@interlend/db";
import { cachedLibraryNames } from "@interlend/search-api/library-names";
import { startApiServer, type RunningServer } from "@interlend/search-api/server";
import { createTestDatabase, type TestDatabase } from "../support/databases.ts";
import { HttpSession } from "../support/http-session.ts";

const HOSTILE = [
  "' OR '1'='1",
  "1; DROP TABLE libraries; --",
  '"); DELETE FROM users; --',
  "../../../../etc/passwd",
  "<script>alert(1)</script>",
  "%00\u0000nul",
  "${7*7}{{7*7}}",
  "A".repeat(5000),
  "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 ☃ ﷽",
];

interface OpenApi {
  paths: Record<string, Record<string, { parameters?: Array<{ name: string; in: string }> }>>;
}

describe("hostile input", () => {
  let database: TestDatabase;
  let api: RunningServer;
  let admin: HttpSession;

  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    await ensureLibrary(database.db, { code: "KEEP", name: "Keep Me" });
    await createUser(database.db, { email: "admin@hostile.test", password: "admin password 1", name: "Admin", role: "admin" });
    api = await startApiServer({ db: database.db, search: { search: async () => ({ hits: [] }), healthy: async () => true }, libraryNames: cachedLibraryNames(database.db) }, "127.0.0.1", 0);
    admin = await HttpSession.staff(api.url, "admin@hostile.test", "admin password 1");
  });
  afterAll(async () => {
    await api?.close();
    await database?.dispose();
  });

  it("refuses an oversized body with 413 before reading it all", async () => {
    // Its own connection (no keep-alive): the server answers and closes while the client still sends.
    const url = new URL(`${api.url}/v1/auth/staff/login`);
    const { status, type } = await new Promise<{ status: number; type: string }>((resolve, reject) => {
      const request = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", agent: false, headers: { "content-type": "application/json" } }, (response) => {
        response.resume();
        resolve({ status: response.statusCode ?? 0, type: String(response.headers["content-type"]) });
      });
      request.on("error", (error) => (error.message.includes("EPIPE") || error.message.includes("ECONNRESET") ? undefined : reject(error)));
      request.end(JSON.stringify({ email: "x@y.z", password: "p".repeat(2_000_000) }));
    });
    expect(status).toBe(413);
    expect(type).toContain("application/problem+json");
  });

  it("names wrong types and unknown fields", async () => {
    const wrongType = await admin.post<{ detail: string }>("/v1/admin/libraries", { code: 123, name: ["x"] });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.detail).toMatch(/code/);
    expect(wrongType.body.detail).toMatch(/name/);
    const unknown = await admin.post<{ detail: string }>("/v1/admin/libraries", { code: "NEWX", name: "New", isAdmin: true });
    expect(unknown.status).toBe(400);
    expect(unknown.body.detail).toMatch(/isAdmin/);
    const notJson = await admin.request("POST", "/v1/admin/libraries", undefined, { "content-type": "application/json" });
    expect(notJson.status).toBe(400);
  });

  it("takes injection strings in every query parameter of every route without a 500", async () => {
    const doc = (await admin.get<OpenApi>("/v1/openapi.json")).body;
    const failures: string[] = [];
    for (const [template, methods] of Object.entries(doc.paths)) {
      const get = methods.get;
      if (!get) continue;
      for (const parameter of get.parameters ?? []) {
        for (const value of HOSTILE) {
          const pathValue = parameter.in === "path" ? encodeURIComponent(value) : "1";
          const path = template.replace(/\{[^}]+\}/g, pathValue);
          const query = parameter.in === "query" ? `?${new URLSearchParams({ [parameter.name]: value })}` : "";
          const response = await admin.get<{ type?: string }>(`${path}${query}`);
          if (response.status >= 500) failures.push(`${template} ${parameter.name}=${value.slice(0, 20)}: ${response.status}`);
          if (response.status >= 400 && !response.type.includes("application/problem+json")) failures.push(`${template}: not a problem body`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it("stores hostile text in bodies as plain text, and loses nothing", async () => {
    for (const value of HOSTILE.slice(0, 7)) {
      const login = await new HttpSession(api.url).post("/v1/auth/staff/login", { email: value, password: value });
      expect([400, 401]).toContain(login.status);
      const source = await admin.post("/v1/admin/sources", { library: "KEEP", name: value.slice(0, 50), protocol: "oai-pmh", endpoint: value });
      expect(source.status).toBeLessThan(500);
    }
    const created = await admin.post<{ name: string }>("/v1/admin/libraries", { code: "INJ", name: HOSTILE[1]! });
    expect(created.status).toBe(201);
    expect(created.body.name).toBe(HOSTILE[1]);
    const libraries = await admin.get<{ libraries: Array<{ code: string }> }>("/v1/admin/libraries");
    expect(libraries.body.libraries.map((l) => l.code)).toEqual(["INJ", "KEEP"]);
    expect((await admin.get("/health")).status).toBe(200);
  });
});
