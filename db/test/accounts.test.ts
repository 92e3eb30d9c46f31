import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AccountError,
  createApiClient,
  createLibrary,
  createPatron,
  createSession,
  createUser,
  deleteSession,
  deleteSessionsOf,
  effectivePatronStatus,
  findApiClientByToken,
  findPatronByCard,
  findSession,
  findUserByEmail,
  hashSecret,
  importPatronsCsv,
  needsRehash,
  parseCsv,
  purgeExpiredSessions,
  revokeApiClient,
  sha256Hex,
  verifyAgainstDummy,
  verifySecret,
} from "@interlend/db";
import { DIALECTS, createTestDatabase, postgresAvailable, type TestDatabase } from "../../test/support/databases.ts";

const CHEAP = { N: 2 ** 10, r: 8, p: 1 };

describe("secret hashing", () => {
  it("hashes in the self-describing scrypt format and verifies", async () => {
    const hash = await hashSecret("correct horse battery");
    expect(hash).toMatch(/^scrypt\$32768\$8\$1\$[\w-]+\$[\w-]+$/);
    expect(await verifySecret("correct horse battery", hash)).toBe(true);
    expect(await verifySecret("correct horse batterY", hash)).toBe(false);
    expect(await hashSecret("correct horse battery")).not.toBe(hash); // salted
  });

  it("verifies hashes of other costs and flags them for re-hashing", async () => {
    const cheap = await hashSecret("1234", CHEAP);
    expect(await verifySecret("1234", cheap)).toBe(true);
    expect(needsRehash(cheap)).toBe(true);
    expect(needsRehash(await hashSecret("1234"))).toBe(false);
  });

  it("refuses malformed and hostile stored hashes without computing them", async () => {
    for (const stored of ["", "!", "plain", "scrypt$1$8$1$c2FsdHNhbHQ$aGFzaA", `scrypt$${2 ** 30}$8$1$c2FsdHNhbHRzYWx0$${"A".repeat(43)}`]) {
      expect(await verifySecret("anything", stored)).toBe(false);
    }
    expect(await verifyAgainstDummy("anything")).toBe(false);
  });
});

describe("CSV parsing", () => {
  it("handles quotes, escaped quotes, embedded line breaks, CRLF, a BOM and blank lines", () => {
    const records = parseCsv('\uFEFFcard,name\r\n1,"Smith, Ann"\r\n\r\n2,"He said ""hi""\nthen left"\n3,plain');
    expect(records.map((r) => [r.line, r.fields])).toEqual([
      [1, ["card", "name"]],
      [2, ["1", "Smith, Ann"]],
      [4, ["2", 'He said "hi"\nthen left']],
      [6, ["3", "plain"]],
    ]);
  });

  it("reports an unterminated quote on the record where it starts", () => {
    const records = parseCsv('a,b\n1,"open\n2,x');
    expect(records[1]).toMatchObject({ line: 2, error: "unterminated quoted field" });
  });
});

describe.each(DIALECTS)("accounts on %s", (dialect) => {
  let t: TestDatabase | undefined;
  let libraryId = 0;
  let otherLibraryId = 0;

  beforeAll(async () => {
    if (dialect === "postgres" && !(await postgresAvailable())) return;
    t = await createTestDatabase(dialect);
    libraryId = (await createLibrary(t.db, { code: "NORTH", name: "Northfield" })).id;
    otherLibraryId = (await createLibrary(t.db, { code: "SOUTH", name: "Southport" })).id;
  });
  afterAll(async () => t?.dispose());

  it("creates users with unique, case-insensitive emails and strong passwords", async (ctx) => {
    if (!t) return ctx.skip();
    const user = await createUser(t.db, { email: " Ann.Staff@North.example ", name: "Ann", password: "long enough pw", role: "staff", libraryId });
    expect(user.email).toBe("ann.staff@north.example");
    expect(user.password_hash).not.toContain("long enough");
    expect((await findUserByEmail(t.db, "ANN.STAFF@north.example"))?.id).toBe(user.id);
    await expect(createUser(t.db, { email: "ann.staff@NORTH.example", name: "Dup", password: "long enough pw", role: "staff", libraryId })).rejects.toMatchObject({
      code: "duplicate",
    });
    await expect(createUser(t.db, { email: "short@x.example", name: "S", password: "short", role: "admin" })).rejects.toBeInstanceOf(AccountError);
    await expect(createUser(t.db, { email: "nolib@x.example", name: "S", password: "long enough pw", role: "staff" })).rejects.toMatchObject({ field: "libraryId" });
    // The database itself refuses a differently-cased duplicate written behind the module's back.
    await expect(
      t.db.insertInto("users").values({ email: "ANN.STAFF@north.example", name: "x", password_hash: "!", role: "staff", library_id: libraryId, created_at: "2025-01-01T00:00:00.000Z" }).execute(),
    ).rejects.toThrow();
  });

  it("creates patrons with hashed PINs, unique card numbers per library", async (ctx) => {
    if (!t) return ctx.skip();
    const patron = await createPatron(t.db, { libraryId, cardNumber: "2100001", name: "A Reader", pin: "4321" });
    expect(await verifySecret("4321", patron.pin_hash)).toBe(true);
    await expect(createPatron(t.db, { libraryId, cardNumber: "2100001", name: "Twin", pin: "1111" })).rejects.toMatchObject({ code: "duplicate" });
    await expect(createPatron(t.db, { libraryId, cardNumber: "2100002", name: "Short", pin: "123" })).rejects.toMatchObject({ code: "weak-secret" });
    // The same card number at another member is another person.
    expect((await createPatron(t.db, { libraryId: otherLibraryId, cardNumber: "2100001", name: "B Reader", pin: "9999" })).id).not.toBe(patron.id);
    expect(effectivePatronStatus({ status: "active", expires_at: "2000-01-01T00:00:00.000Z" })).toBe("expired");
    expect(effectivePatronStatus({ status: "blocked", expires_at: null })).toBe("blocked");
  });

  it("issues API tokens shown once, stored hashed, and revocable", async (ctx) => {
    if (!t) return ctx.skip();
    const { client, token } = await createApiClient(t.db, { libraryId, name: "North ILS", scopes: ["requests:read"] });
    expect(token.length).toBeGreaterThan(40);
    const row = await t.db.selectFrom("api_clients").selectAll().where("id", "=", client.id).executeTakeFirstOrThrow();
    expect(row.token_hash).toBe(sha256Hex(token));
    expect(JSON.stringify(row)).not.toContain(token);
    expect(await findApiClientByToken(t.db, token)).toMatchObject({ id: client.id, libraryId, scopes: ["requests:read"] });
    expect(await findApiClientByToken(t.db, token + "x")).toBeUndefined();
    expect(await revokeApiClient(t.db, client.id)).toBe(true);
    expect(await findApiClientByToken(t.db, token)).toBeUndefined();
  });

  it("keeps sessions hashed, slides their expiry, and deletes and purges them", async (ctx) => {
    if (!t) return ctx.skip();
    const patron = await findPatronByCard(t.db, libraryId, "2100001");
    const start = new Date("2030-01-01T00:00:00.000Z");
    const options = { idleTtlMs: 60 * 60 * 1000, absoluteTtlMs: 3 * 60 * 60 * 1000, touchIntervalMs: 1000 };
    const { token, csrfToken, session } = await createSession(t.db, { patronId: patron!.id, role: "patron" }, options, start);
    expect(session.id).toBe(sha256Hex(token));
    expect(session.id).not.toBe(token);
    expect(csrfToken).not.toBe(token);
    expect(session.expires_at).toBe("2030-01-01T01:00:00.000Z");

    const later = new Date("2030-01-01T00:50:00.000Z");
    expect((await findSession(t.db, token, options, later))?.expires_at).toBe("2030-01-01T01:50:00.000Z");
    // Still alive past the first expiry thanks to the slide, but never past the absolute cap.
    expect(await findSession(t.db, token, options, new Date("2030-01-01T01:30:00.000Z"))).toBeDefined();
    expect((await findSession(t.db, token, options, new Date("2030-01-01T02:20:00.000Z")))?.expires_at).toBe("2030-01-01T03:00:00.000Z");
    expect(await findSession(t.db, token, options, new Date("2030-01-01T03:00:00.001Z"))).toBeUndefined();

    const second = await createSession(t.db, { patronId: patron!.id, role: "patron" }, options, start);
    expect(await deleteSession(t.db, second.token)).toBe(true);
    expect(await findSession(t.db, second.token, options, start)).toBeUndefined();

    await createSession(t.db, { patronId: patron!.id, role: "patron" }, options, start);
    await createSession(t.db, { patronId: patron!.id, role: "patron" }, options, new Date("2031-01-01T00:00:00.000Z"));
    expect(await purgeExpiredSessions(t.db, new Date("2030-06-01T00:00:00.000Z"))).toBe(1);
    expect(await deleteSessionsOf(t.db, { patronId: patron!.id })).toBe(1);
  });

  it("imports patrons from CSV: upserts by card, hashes PINs, reports bad rows and carries on", async (ctx) => {
    if (!t) return ctx.skip();
    const csv = [
      "Card Number,Name,Email,Status,Expiry,PIN,Home branch",
      '3100001,"Okafor, Chidi",chidi@example.org,active,2031-12-31,2468,Main',
      "3100002,Bad Email,not-an-email,active,2031-12-31,,Main",
      "3100003,Barred Person,,barred,,,Main",
      "3100004,Short Pin,,active,,12,Main",
      "3100005,Bad Date,,active,31/12/2031,,Main",
      "3100006,Too few fields",
      ",No Card,,active,,,Main",
      '2100001,"A Reader (renamed)",reader@example.org,EXPIRED,2020-01-01,,Main',
    ].join("\n");
    const result = await importPatronsCsv(t.db, libraryId, csv);
    expect(result.error).toBeUndefined();
    expect({ created: result.created, updated: result.updated, failed: result.failed }).toEqual({ created: 2, updated: 1, failed: 5 });
    expect(result.rows.map((r) => [r.line, r.cardNumber, r.outcome])).toEqual([
      [2, "3100001", "created"],
      [3, "3100002", "error"],
      [4, "3100003", "created"],
      [5, "3100004", "error"],
      [6, "3100005", "error"],
      [7, "3100006", "error"],
      [8, null, "error"],
      [9, "2100001", "updated"],
    ]);
    expect(result.rows.find((r) => r.line === 5)?.error).toMatch(/PIN/);
    expect(result.rows.find((r) => r.line === 7)?.error).toMatch(/expected 7 fields/);

    const chidi = await findPatronByCard(t.db, libraryId, "3100001");
    expect(chidi).toMatchObject({ name: "Okafor, Chidi", email: "chidi@example.org", status: "active", expires_at: "2031-12-31T23:59:59.999Z" });
    expect(await verifySecret("2468", chidi!.pin_hash)).toBe(true);
    expect((await findPatronByCard(t.db, libraryId, "3100003"))).toMatchObject({ status: "blocked", pin_hash: "!" });
    // An update without a PIN keeps the PIN the patron already had.
    const renamed = await findPatronByCard(t.db, libraryId, "2100001");
    expect(renamed).toMatchObject({ name: "A Reader (renamed)", status: "expired" });
    expect(await verifySecret("4321", renamed!.pin_hash)).toBe(true);
    // Nothing leaked into the other member.
    expect((await findPatronByCard(t.db, otherLibraryId, "2100001"))?.name).toBe("B Reader");
  });

  it("refuses a CSV without the required columns as a whole, and reads semicolon exports", async (ctx) => {
    if (!t) return ctx.skip();
    expect((await importPatronsCsv(t.db, libraryId, "name,email\nX,x@example.org")).error).toMatch(/card/);
    expect((await importPatronsCsv(t.db, libraryId, "")).error).toMatch(/empty/);
    const result = await importPatronsCsv(t.db, otherLibraryId, "barcode;name;status\n4100001;Semi Colon;active\n");
    expect(result.created).toBe(1);
  });
});
