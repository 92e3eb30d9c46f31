/**
 * Walks every route of the OpenAPI document with each kind of caller and checks that exactly the
 * roles the document lists get past authorisation (x-roles), on a real server and database.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiClient, createPatron, createUser, ensureLibrary } from "@interlend/db";
import { cachedLibraryNames } from "@interlend/search-api/library-names";
import { startApiServer, type RunningServer } from "@interlend/search-api/server";
import { createTestDatabase, type TestDatabase } from "../support/databases.ts";
import { HttpSession } from "../support/http-session.ts";

type Caller = "anonymous" | "patron" | "staff" | "admin" | "api";
interface Operation {
  "x-roles": string[];
}

describe("authorisation of every route", () => {
  let database: TestDatabase;
  let api: RunningServer;
  const sessions = {} as Record<Caller, HttpSession>;
  let paths: Record<string, Record<string, Operation>>;

  beforeAll(async () => {
    database = await createTestDatabase("sqlite");
    const db = database.db;
    const home = await ensureLibrary(db, { code: "HOME", name: "Home" });
    await createUser(db, { email: "admin@walk.test", password: "admin password 1", name: "Admin", role: "admin" });
    await createUser(db, { email: "staff@walk.test", password: "staff password 1", name: "Staff", role: "staff", libraryId: home.id });
    await createPatron(db, { libraryId: home.id, cardNumber: "C1", name: "Pat", pin: "1234" });
    const { token } = await createApiClient(db, { libraryId: home.id, name: "ils", scopes: ["requests", "lending", "stats"] });
    api = await startApiServer({ db, search: { search: async () => ({ hits: [] }), healthy: async () => true }, libraryNames: cachedLibraryNames(db) }, "127.0.0.1", 0);
    sessions.anonymous = new HttpSession(api.url);
    sessions.patron = await HttpSession.patron(api.url, "HOME", "C1", "1234");
    sessions.staff = await HttpSession.staff(api.url, "staff@walk.test", "staff password 1");
    sessions.admin = await HttpSession.staff(api.url, "admin@walk.test", "admin password 1");
    sessions.api = new HttpSession(api.url, token);
    paths = ((await sessions.anonymous.get("/v1/openapi.json")).body as { paths: typeof paths }).paths;
  });
  afterAll(async () => {
    await api?.close();
    await database?.dispose();
  });

  it("documents every route with who may call it", () => {
    const operations = Object.values(paths).flatMap((methods) => Object.values(methods));
    expect(operations.length).toBeGreaterThan(15);
    for (const operation of operations) expect(operation["x-roles"].length).toBeGreaterThan(0);
  });

  it("lets in exactly the listed roles", async () => {
    const mismatches: string[] = [];
    for (const [template, methods] of Object.entries(paths)) {
      // A placeholder id that names nothing, so no allowed call changes real data.
      const path = template.replace(/\{[^}]+\}/g, "999999");
      for (const [method, operation] of Object.entries(methods)) {
        if (path === "/v1/auth/logout") continue; // would end the caller's session mid-walk
        const allowed = operation["x-roles"];
        for (const caller of Object.keys(sessions) as Caller[]) {
          const response = await sessions[caller].request(method.toUpperCase(), path, method === "get" ? undefined : {});
          const type = String((response.body as { type?: unknown } | undefined)?.type ?? "");
          const roleRefused = response.status === 401 || (response.status === 403 && /\/(forbidden|insufficient-scope)$/.test(type));
          const mayCall = allowed.includes("public") || allowed.includes(caller);
          if (mayCall === roleRefused) mismatches.push(`${method.toUpperCase()} ${template} as ${caller}: ${response.status} ${type}`);
          if (!mayCall) expect(response.status, `${method} ${template} as ${caller}`).toBe(caller === "anonymous" ? 401 : 403);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
});
