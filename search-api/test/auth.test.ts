import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Hono } from "hono";
import {
  createApiClient,
  createLibrary,
  createPatron,
  createUser,
  findPatronByCard,
  findSession,
  hashSecret,
  revokeApiClient,
  sha256Hex,
  type Library,
} from "@interlend/db";
import { createApp } from "../src/app.ts";
import {
  authMiddleware,
  ensureBootstrapAdmin,
  principalOf,
  rateLimiter,
  requireLibraryScope,
  requireRole,
  requireScope,
} from "../src/auth/index.ts";
import { SearchUnavailableError } from "../src/services/search-service.ts";
import { DIALECTS, createTestDatabase, postgresAvailable, type TestDatabase } from "../../test/support/databases.ts";

const BASE = "http://api.test";
let ipCounter = 0;
/** A fresh client address per scenario, so the per-IP limiter only bites where a test wants it to. */
const freshIp = () => `198.51.100.${++ipCounter}`;

interface Call {
  method?: string;
  body?: unknown;
  cookie?: string;
  csrf?: string;
  bearer?: string;
  ip?: string;
  headers?: Record<string, string>;
}

function call(app: Hono, path: string, options: Call = {}) {
  const headers: Record<string, string> = { "x-forwarded-for": options.ip ?? "203.0.113.1", ...options.headers };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (options.cookie) headers.cookie = `interlend_session=${options.cookie}`;
  if (options.csrf) headers["x-csrf-token"] = options.csrf;
  if (options.bearer) headers.authorization = `Bearer ${options.bearer}`;
  return app.request(BASE + path, {
    method: options.method ?? (options.body === undefined ? "GET" : "POST"),
    headers,
    ...(options.body !== undefined && { body: typeof options.body === "string" ? options.body : JSON.stringify(options.body) }),
  });
}

function sessionCookie(response: Response): { token: string; attributes: string[] } {
  const header = response.headers.get("set-cookie") ?? "";
  const [pair = "", ...attributes] = header.split(";").map((s) => s.trim());
  const [name, token = ""] = pair.split("=");
  expect(name).toBe("interlend_session");
  return { token, attributes };
}

describe.each(DIALECTS)("auth API on %s", (dialect) => {
  let t: TestDatabase | undefined;
  let app: Hono;
  let north: Library;
  let south: Library;

  const STAFF = { email: "desk@north.example", password: "north desk pass 1" };
  const ADMIN = { email: "admin@pod.example", password: "consortium admin 1" };

  async function signIn(body: Record<string, string>, kind: "patron" | "staff", ip = freshIp()) {
    const response = await call(app, `/v1/auth/${kind}/login`, { body, ip });
    expect(response.status).toBe(200);
    const json = (await response.json()) as { csrfToken: string; role: string };
    return { token: sessionCookie(response).token, csrf: json.csrfToken, json, response };
  }

  beforeAll(async () => {
    if (dialect === "postgres" && !(await postgresAvailable())) return;
    t = await createTestDatabase(dialect);
    north = await createLibrary(t.db, { code: "NORTH", name: "Northfield" });
    south = await createLibrary(t.db, { code: "SOUTH", name: "Southport" });
    await createUser(t.db, { ...STAFF, name: "North Desk", role: "staff", libraryId: north.id });
    await createUser(t.db, { ...ADMIN, name: "Pod Admin", role: "admin" });
    await createPatron(t.db, { libraryId: north.id, cardNumber: "21000001", name: "Nia Reader", pin: "2468" });
    await createPatron(t.db, { libraryId: north.id, cardNumber: "21000002", name: "Blocked Bo", pin: "1357", status: "blocked" });
    await createPatron(t.db, { libraryId: north.id, cardNumber: "21000003", name: "Expired Ed", pin: "9753", expiresAt: "2001-01-01T00:00:00.000Z" });
    await createPatron(t.db, { libraryId: north.id, cardNumber: "21000004", name: "Later Blocked", pin: "8642" });

    const deps = {
      db: t.db,
      search: {
        search: () => Promise.reject(new SearchUnavailableError("not in these tests")),
        healthy: () => Promise.resolve(true),
      },
      libraryNames: () => Promise.resolve({}),
      auth: { trustedProxies: 1 },
    };
    app = createApp(deps);
    // Routes the lead's features will look like, to exercise the guards.
    app.post(
      "/v1/test/libraries/:id/act",
      requireRole("staff", "admin", "api"),
      requireLibraryScope((c) => Number(c.req.param("id"))),
      (c) => c.json({ ok: true, by: principalOf(c)?.kind }),
    );
  });
  afterAll(async () => t?.dispose());

  it("signs staff in with an HttpOnly, SameSite=Lax cookie and answers /me", async (ctx) => {
    if (!t) return ctx.skip();
    const { token, csrf, json, response } = await signIn(STAFF, "staff");
    expect(json).toMatchObject({ role: "staff", name: "North Desk", library: { code: "NORTH", name: "Northfield" } });
    const { attributes } = sessionCookie(response);
    expect(attributes).toEqual(expect.arrayContaining(["Path=/", "HttpOnly", "SameSite=Lax"]));
    expect(attributes).not.toContain("Secure");
    expect(token).toMatch(/^[\w-]{43}$/);
    // Stored hashed: the cookie value is not a session id in the table.
    expect(await t.db.selectFrom("sessions").select("id").where("id", "=", token).executeTakeFirst()).toBeUndefined();
    expect(await t.db.selectFrom("sessions").select("id").where("id", "=", sha256Hex(token)).executeTakeFirst()).toBeDefined();

    const me = await call(app, "/v1/auth/me", { cookie: token });
    expect(me.status).toBe(200);
    expect(me.headers.get("cache-control")).toBe("no-store");
    expect(await me.json()).toMatchObject({ role: "staff", name: "North Desk", library: { code: "NORTH" }, csrfToken: csrf });
  });

  it("marks the cookie Secure when the request came over https", async (ctx) => {
    if (!t) return ctx.skip();
    const viaProxy = await call(app, "/v1/auth/staff/login", { body: STAFF, ip: freshIp(), headers: { "x-forwarded-proto": "https" } });
    expect(sessionCookie(viaProxy).attributes).toContain("Secure");
    const direct = await app.request("https://api.test/v1/auth/staff/login", {
      method: "POST",
      headers: { "content-type": "application/json", "x-forwarded-for": freshIp() },
      body: JSON.stringify(STAFF),
    });
    expect(sessionCookie(direct).attributes).toContain("Secure");
  });

  it("answers a wrong password and an unknown account identically", async (ctx) => {
    if (!t) return ctx.skip();
    const wrong = await call(app, "/v1/auth/staff/login", { body: { email: STAFF.email, password: "not the password" }, ip: freshIp() });
    const unknown = await call(app, "/v1/auth/staff/login", { body: { email: "nobody@north.example", password: "not the password" }, ip: freshIp() });
    expect(wrong.status).toBe(401);
    expect(unknown.status).toBe(401);
    expect(wrong.headers.get("content-type")).toContain("application/problem+json");
    expect(await wrong.json()).toEqual(await unknown.json());
    expect(wrong.headers.get("set-cookie")).toBeNull();

    const badPin = await call(app, "/v1/auth/patron/login", { body: { library: "NORTH", cardNumber: "21000001", pin: "0000" }, ip: freshIp() });
    const noCard = await call(app, "/v1/auth/patron/login", { body: { library: "NORTH", cardNumber: "99999999", pin: "0000" }, ip: freshIp() });
    const noLibrary = await call(app, "/v1/auth/patron/login", { body: { library: "NOWHERE", cardNumber: "21000001", pin: "0000" }, ip: freshIp() });
    const bodies = await Promise.all([badPin, noCard, noLibrary].map((r) => r.json()));
    expect([badPin.status, noCard.status, noLibrary.status]).toEqual([401, 401, 401]);
    expect(bodies[1]).toEqual(bodies[0]);
    expect(bodies[2]).toEqual(bodies[0]);
    expect(bodies[0]).toMatchObject({ type: "https://interlend.org/problems/invalid-credentials", status: 401 });
  });

  it("signs a patron in by card and PIN, and refuses blocked and expired cards with 403", async (ctx) => {
    if (!t) return ctx.skip();
    const { json } = await signIn({ library: "NORTH", cardNumber: "21000001", pin: "2468" }, "patron");
    expect(json).toMatchObject({ role: "patron", name: "Nia Reader", library: { code: "NORTH" } });

    const blocked = await call(app, "/v1/auth/patron/login", { body: { library: "NORTH", cardNumber: "21000002", pin: "1357" }, ip: freshIp() });
    expect(blocked.status).toBe(403);
    expect(await blocked.json()).toMatchObject({ type: "https://interlend.org/problems/patron-blocked", detail: expect.stringContaining("blocked") });
    expect(blocked.headers.get("set-cookie")).toBeNull();
    const expired = await call(app, "/v1/auth/patron/login", { body: { library: "NORTH", cardNumber: "21000003", pin: "9753" }, ip: freshIp() });
    expect(expired.status).toBe(403);
    expect(await expired.json()).toMatchObject({ type: "https://interlend.org/problems/patron-expired" });
    // The status is not revealed without the right PIN.
    const guess = await call(app, "/v1/auth/patron/login", { body: { library: "NORTH", cardNumber: "21000002", pin: "0000" }, ip: freshIp() });
    expect(guess.status).toBe(401);
  });

  it("ends a patron's session once the card is blocked", async (ctx) => {
    if (!t) return ctx.skip();
    const { token } = await signIn({ library: "NORTH", cardNumber: "21000004", pin: "8642" }, "patron");
    expect((await call(app, "/v1/auth/me", { cookie: token })).status).toBe(200);
    await t.db.updateTable("patrons").set({ status: "blocked" }).where("card_number", "=", "21000004").execute();
    expect((await call(app, "/v1/auth/me", { cookie: token })).status).toBe(401);
  });

  it("validates sign-in bodies strictly, naming the bad fields", async (ctx) => {
    if (!t) return ctx.skip();
    const extra = await call(app, "/v1/auth/staff/login", { body: { ...STAFF, role: "admin" }, ip: freshIp() });
    expect(extra.status).toBe(400);
    expect(JSON.stringify(await extra.json())).toContain("role");
    const missing = await call(app, "/v1/auth/patron/login", { body: { library: "NORTH", pin: 1234 }, ip: freshIp() });
    expect(missing.status).toBe(400);
    const problem = (await missing.json()) as { errors: Array<{ path: string }> };
    expect(problem.errors.map((e) => e.path).sort()).toEqual(["cardNumber", "pin"]);
    const notJson = await call(app, "/v1/auth/staff/login", { body: "{nope", ip: freshIp() });
    expect(notJson.status).toBe(400);
  });

  it("limits failed sign-ins per account: 429 with Retry-After after 5, even with the right PIN", async (ctx) => {
    if (!t) return ctx.skip();
    await createPatron(t.db, { libraryId: north.id, cardNumber: "21000099", name: "Target", pin: "1111" });
    const attempt = (pin: string) => call(app, "/v1/auth/patron/login", { body: { library: "NORTH", cardNumber: "21000099", pin }, ip: freshIp() });
    for (let i = 0; i < 5; i++) expect((await attempt(`000${i}`)).status).toBe(401);
    const limited = await attempt("1111");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    expect(await limited.json()).toMatchObject({ type: "https://interlend.org/problems/too-many-requests", status: 429 });
    // Another account is unaffected.
    expect((await call(app, "/v1/auth/patron/login", { body: { library: "NORTH", cardNumber: "21000001", pin: "2468" }, ip: freshIp() })).status).toBe(200);
  });

  it("limits failed sign-ins per IP across accounts: 429 after 20", async (ctx) => {
    if (!t) return ctx.skip();
    const ip = freshIp();
    for (let i = 0; i < 20; i++) {
      const response = await call(app, "/v1/auth/staff/login", { body: { email: `guess${i}@north.example`, password: "wrong password" }, ip });
      expect(response.status).toBe(401);
    }
    const limited = await call(app, "/v1/auth/staff/login", { body: STAFF, ip });
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toMatch(/^\d+$/);
    expect((await call(app, "/v1/auth/staff/login", { body: STAFF, ip: freshIp() })).status).toBe(200);
  });

  it("requires the CSRF token for unsafe cookie requests, and logout invalidates the session", async (ctx) => {
    if (!t) return ctx.skip();
    const { token, csrf } = await signIn(STAFF, "staff");
    const noToken = await call(app, "/v1/auth/logout", { method: "POST", cookie: token });
    expect(noToken.status).toBe(403);
    expect(await noToken.json()).toMatchObject({ type: "https://interlend.org/problems/csrf-token-invalid" });
    expect((await call(app, "/v1/auth/logout", { method: "POST", cookie: token, csrf: csrf.slice(0, -2) + "xx" })).status).toBe(403);
    expect((await call(app, `/v1/test/libraries/${north.id}/act`, { method: "POST", cookie: token })).status).toBe(403);
    expect((await call(app, `/v1/test/libraries/${north.id}/act`, { method: "POST", cookie: token, csrf })).status).toBe(200);
    // Safe methods need no token.
    expect((await call(app, "/v1/auth/me", { cookie: token })).status).toBe(200);

    const out = await call(app, "/v1/auth/logout", { method: "POST", cookie: token, csrf });
    expect(out.status).toBe(204);
    expect(out.headers.get("set-cookie")).toMatch(/interlend_session=;.*Max-Age=0/);
    expect((await call(app, "/v1/auth/me", { cookie: token })).status).toBe(401);
  });

  it("starts a fresh session on sign-in without needing the old session's CSRF token", async (ctx) => {
    if (!t) return ctx.skip();
    const first = await signIn(STAFF, "staff");
    const again = await call(app, "/v1/auth/staff/login", { body: STAFF, cookie: first.token, ip: freshIp() });
    expect(again.status).toBe(200);
    expect(sessionCookie(again).token).not.toBe(first.token);
    expect((await call(app, "/v1/auth/me", { cookie: first.token })).status).toBe(401);
  });

  it("re-hashes a secret stored at an older cost after a good sign-in", async (ctx) => {
    if (!t) return ctx.skip();
    const legacy = await hashSecret("5555", { N: 2 ** 10, r: 8, p: 1 });
    await createPatron(t.db, { libraryId: north.id, cardNumber: "21000050", name: "Legacy Lee" }, legacy);
    await signIn({ library: "NORTH", cardNumber: "21000050", pin: "5555" }, "patron");
    const row = await findPatronByCard(t.db, north.id, "21000050");
    expect(row?.pin_hash).toMatch(/^scrypt\$32768\$/);
  });

  it("rejects an expired session and clears its cookie", async (ctx) => {
    if (!t) return ctx.skip();
    const { token } = await signIn(STAFF, "staff");
    await t.db.updateTable("sessions").set({ expires_at: "2000-01-01T00:00:00.000Z" }).where("id", "=", sha256Hex(token)).execute();
    const me = await call(app, "/v1/auth/me", { cookie: token });
    expect(me.status).toBe(401);
    expect(me.headers.get("www-authenticate")).toContain("Bearer");
    expect(me.headers.get("set-cookie")).toMatch(/Max-Age=0/);
    expect(await findSession(t.db, token)).toBeUndefined();
  });

  it("slides a session's expiry on use", async (ctx) => {
    if (!t) return ctx.skip();
    const { token } = await signIn(STAFF, "staff");
    const soon = new Date(Date.now() + 5 * 60 * 1000).toISOString();
    await t.db.updateTable("sessions").set({ expires_at: soon }).where("id", "=", sha256Hex(token)).execute();
    expect((await call(app, "/v1/auth/me", { cookie: token })).status).toBe(200);
    const row = await t.db.selectFrom("sessions").select("expires_at").where("id", "=", sha256Hex(token)).executeTakeFirstOrThrow();
    expect(Date.parse(row.expires_at)).toBeGreaterThan(Date.now() + 11 * 60 * 60 * 1000);
  });

  it("authenticates API clients by bearer token, CSRF-exempt, and refuses revoked tokens", async (ctx) => {
    if (!t) return ctx.skip();
    const { client, token } = await createApiClient(t.db, { libraryId: north.id, name: "North ILS", scopes: ["requests:write"] });
    const me = await call(app, "/v1/auth/me", { bearer: token });
    expect(me.status).toBe(200);
    expect(await me.json()).toMatchObject({ role: "api", name: "North ILS", library: { code: "NORTH" }, scopes: ["requests:write"], csrfToken: null });
    const act = await call(app, `/v1/test/libraries/${north.id}/act`, { method: "POST", bearer: token });
    expect(act.status).toBe(200);
    expect(await act.json()).toEqual({ ok: true, by: "api" });
    expect((await call(app, `/v1/test/libraries/${south.id}/act`, { method: "POST", bearer: token })).status).toBe(403);

    await revokeApiClient(t.db, client.id);
    const revoked = await call(app, "/v1/auth/me", { bearer: token });
    expect(revoked.status).toBe(401);
    expect(revoked.headers.get("www-authenticate")).toContain("invalid_token");
    expect((await call(app, "/v1/auth/me", { bearer: "ilk_made-up" })).status).toBe(401);
    expect((await call(app, "/v1/auth/me", { headers: { authorization: "Basic Zm9vOmJhcg==" } })).status).toBe(401);
  });

  it("holds API clients to their scopes", async (ctx) => {
    if (!t) return ctx.skip();
    const scoped = new Hono();
    scoped.use("*", authMiddleware({ db: t.db }));
    scoped.get("/needs-scope", requireScope("requests:write"), (c) => c.json({ ok: true }));
    scoped.onError((error, c) => c.json({ status: (error as { problem?: { status: number } }).problem?.status }, 418));
    const writer = await createApiClient(t.db, { libraryId: north.id, name: "Writer", scopes: ["requests:write"] });
    const reader = await createApiClient(t.db, { libraryId: north.id, name: "Reader", scopes: ["requests:read"] });
    expect((await call(scoped, "/needs-scope", { bearer: writer.token })).status).toBe(200);
    expect(await (await call(scoped, "/needs-scope", { bearer: reader.token })).json()).toEqual({ status: 403 });
  });

  it("lets staff act only for their own library, admins for any, patrons and anonymous for none", async (ctx) => {
    if (!t) return ctx.skip();
    const staff = await signIn(STAFF, "staff");
    const own = await call(app, `/v1/test/libraries/${north.id}/act`, { method: "POST", cookie: staff.token, csrf: staff.csrf });
    expect(own.status).toBe(200);
    const other = await call(app, `/v1/test/libraries/${south.id}/act`, { method: "POST", cookie: staff.token, csrf: staff.csrf });
    expect(other.status).toBe(403);
    expect(await other.json()).toMatchObject({ type: "https://interlend.org/problems/forbidden-library" });

    const admin = await signIn(ADMIN, "staff");
    expect(admin.json.role).toBe("admin");
    for (const id of [north.id, south.id]) {
      expect((await call(app, `/v1/test/libraries/${id}/act`, { method: "POST", cookie: admin.token, csrf: admin.csrf })).status).toBe(200);
    }
    const patron = await signIn({ library: "NORTH", cardNumber: "21000001", pin: "2468" }, "patron");
    expect((await call(app, `/v1/test/libraries/${north.id}/act`, { method: "POST", cookie: patron.token, csrf: patron.csrf })).status).toBe(403);
    expect((await call(app, `/v1/test/libraries/${north.id}/act`, { method: "POST" })).status).toBe(401);
  });

  it("bootstraps a first admin with a generated password that signs in", async (ctx) => {
    if (!t) return ctx.skip();
    // An admin exists already: nothing to do.
    expect(await ensureBootstrapAdmin(t.db)).toBeUndefined();
    const named = await ensureBootstrapAdmin(t.db, { email: "Ops@Pod.example", password: "ops admin password" });
    expect(named).toEqual({ email: "ops@pod.example", created: true });
    expect(await ensureBootstrapAdmin(t.db, { email: "ops@pod.example", password: "another password 1" })).toEqual({ email: "ops@pod.example", created: false });

    // With no admin left, one is created with a generated password, shown once.
    await t.db.deleteFrom("users").where("role", "=", "admin").execute();
    const result = await ensureBootstrapAdmin(t.db);
    expect(result?.created).toBe(true);
    expect(result?.generatedPassword?.length).toBeGreaterThanOrEqual(20);
    const login = await call(app, "/v1/auth/staff/login", { body: { email: result!.email, password: result!.generatedPassword! }, ip: freshIp() });
    expect(login.status).toBe(200);
    expect(await login.json()).toMatchObject({ role: "admin", library: null });
  });
});

describe("rateLimiter", () => {
  it("allows `limit` events per sliding window and says when to retry", () => {
    let now = 0;
    const limiter = rateLimiter({ limit: 3, windowMs: 10_000, now: () => now });
    expect([1, 2, 3].map(() => limiter.hit("k").allowed)).toEqual([true, true, true]);
    now = 4_000;
    expect(limiter.hit("k")).toEqual({ allowed: false, remaining: 0, retryAfterSeconds: 6 });
    expect(limiter.check("other").allowed).toBe(true);
    now = 10_001; // the first three fall out of the window together
    expect(limiter.hit("k")).toMatchObject({ allowed: true, remaining: 2 });
    limiter.reset("k");
    expect(limiter.check("k")).toMatchObject({ allowed: true, remaining: 3 });
  });

  it("is sliding, not fixed: old events leave one by one", () => {
    let now = 0;
    const limiter = rateLimiter({ limit: 2, windowMs: 1_000, now: () => now });
    limiter.hit("k");
    now = 600;
    limiter.hit("k");
    now = 900;
    expect(limiter.hit("k").allowed).toBe(false);
    now = 1_001;
    expect(limiter.hit("k").allowed).toBe(true);
    expect(limiter.hit("k")).toMatchObject({ allowed: false, retryAfterSeconds: 1 });
  });

  it("bounds memory by dropping the oldest keys", () => {
    const limiter = rateLimiter({ limit: 1, windowMs: 60_000, maxKeys: 100 });
    for (let i = 0; i < 1_000; i++) limiter.hit(`k${i}`);
    expect(limiter.size()).toBeLessThanOrEqual(100);
    expect(limiter.check("k999").allowed).toBe(false);
  });
});
