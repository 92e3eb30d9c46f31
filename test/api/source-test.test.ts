/**
 * POST /v1/admin/sources/test over real HTTP: a small local server answers OAI-PMH Identify and an
 * SRU searchRetrieve; a closed port and a folder outside the import roots answer ok:false with the
 * reason, never a 500.
 */
import { once } from "node:events";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, ensureLibrary } from "@interlend/db";
import { toIso2709 } from "@interlend/harvester/marc/writers";
import { cachedLibraryNames } from "@interlend/search-api/library-names";
import { startApiServer, type RunningServer } from "@interlend/search-api/server";
import { createTestDatabase, type TestDatabase } from "../support/databases.ts";
import { HttpSession } from "../support/http-session.ts";
import { bibRecord } from "../support/marc-factory.ts";

const ADMIN = { email: "admin@pod.test", password: "correct horse battery" };
const STAFF = { email: "staff@pod.test", password: "staff password 1" };

const IDENTIFY = `<?xml version="1.0" encoding="UTF-8"?>
<OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/">
  <responseDate>2026-01-01T00:00:00Z</responseDate>
  <request verb="Identify">http://localhost/oai</request>
  <Identify>
    <repositoryName>Test Library Catalogue</repositoryName>
    <baseURL>http://localhost/oai</baseURL>
    <protocolVersion>2.0</protocolVersion>
    <adminEmail>cat@library.test</adminEmail>
    <earliestDatestamp>2001-01-01</earliestDatestamp>
    <deletedRecord>persistent</deletedRecord>
    <granularity>YYYY-MM-DD</granularity>
  </Identify>
</OAI-PMH>`;

const SRU = `<?xml version="1.0"?>
<zs:searchRetrieveResponse xmlns:zs="http://www.loc.gov/zing/srw/">
  <zs:version>1.2</zs:version>
  <zs:numberOfRecords>1234</zs:numberOfRecords>
</zs:searchRetrieveResponse>`;

describe("testing a source endpoint", () => {
  let database: TestDatabase;
  let api: RunningServer;
  let peer: http.Server;
  let peerUrl: string;
  let closedPort: number;
  let dataDir: string;
  let admin: HttpSession;
  const seen: string[] = [];

  beforeAll(async () => {
    peer = http.createServer((req, res) => {
      seen.push(req.url ?? "");
      const url = new URL(req.url ?? "/", "http://localhost");
      if (url.pathname === "/oai" && url.searchParams.get("verb") === "Identify") {
        res.writeHead(200, { "content-type": "text/xml" }).end(IDENTIFY);
      } else if (url.pathname === "/sru" && url.searchParams.get("operation") === "searchRetrieve") {
        res.writeHead(200, { "content-type": "text/xml" }).end(SRU);
      } else if (url.pathname === "/slow") {
        // Never answers: the probe must give up on its own.
      } else {
        res.writeHead(404).end("not here");
      }
    });
    peer.listen(0, "127.0.0.1");
    await once(peer, "listening");
    peerUrl = `http://127.0.0.1:${(peer.address() as AddressInfo).port}`;
    // A port nobody listens on: bind, note it, close.
    const closed = http.createServer();
    closed.listen(0, "127.0.0.1");
    await once(closed, "listening");
    closedPort = (closed.address() as AddressInfo).port;
    closed.close();
    await once(closed, "close");

    dataDir = mkdtempSync(path.join(os.tmpdir(), "interlend-source-test-"));
    mkdirSync(path.join(dataDir, "imports", "west"), { recursive: true });
    writeFileSync(path.join(dataDir, "imports", "west", "a.mrc"), toIso2709(bibRecord({ id: "a1", title: "A", isbns: [], items: [] })));
    writeFileSync(path.join(dataDir, "imports", "west", "notes.txt"), "not MARC");

    database = await createTestDatabase("sqlite");
    const home = await ensureLibrary(database.db, { code: "HOME", name: "Home Library" });
    await createUser(database.db, { ...ADMIN, name: "Admin", role: "admin" });
    await createUser(database.db, { ...STAFF, name: "Staff", role: "staff", libraryId: home.id });
    api = await startApiServer(
      {
        db: database.db,
        search: { search: async () => ({ hits: [] }), healthy: async () => true },
        libraryNames: cachedLibraryNames(database.db),
        fileRoots: [path.join(dataDir, "imports")],
      },
      "127.0.0.1",
      0,
    );
    admin = await HttpSession.staff(api.url, ADMIN.email, ADMIN.password);
  });

  afterAll(async () => {
    peer?.closeAllConnections();
    peer?.close();
    await api?.close();
    await database?.dispose();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  type Answer = { ok: boolean; summary: string; details: Record<string, unknown> };

  it("is for admins only", async () => {
    const staff = await HttpSession.staff(api.url, STAFF.email, STAFF.password);
    expect((await staff.post("/v1/admin/sources/test", { protocol: "oai-pmh", endpoint: `${peerUrl}/oai` })).status).toBe(403);
    expect((await new HttpSession(api.url).post("/v1/admin/sources/test", { protocol: "file", endpoint: "west" })).status).toBe(401);
  });

  it("runs OAI-PMH Identify and reports the repository", async () => {
    const res = await admin.post<Answer>("/v1/admin/sources/test", { protocol: "oai-pmh", endpoint: `${peerUrl}/oai`, options: { metadataPrefix: "marc21" } });
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(true);
    expect(res.body.summary).toContain("Test Library Catalogue");
    expect(res.body.details).toMatchObject({ repositoryName: "Test Library Catalogue", protocolVersion: "2.0", granularity: "YYYY-MM-DD", adminEmails: ["cat@library.test"] });
    expect(seen.some((u) => u.includes("verb=Identify"))).toBe(true);
  });

  it("asks an SRU server for one record and reports the count", async () => {
    const res = await admin.post<Answer>("/v1/admin/sources/test", { protocol: "sru", endpoint: `${peerUrl}/sru` });
    expect(res.body).toMatchObject({ ok: true, details: { numberOfRecords: 1234 } });
    expect(seen.some((u) => u.includes("operation=searchRetrieve") && u.includes("maximumRecords=1"))).toBe(true);
  });

  it("answers ok:false with the reason for an unreachable port, an HTTP error or silence", async () => {
    const started = Date.now();
    const refused = await admin.post<Answer>("/v1/admin/sources/test", { protocol: "oai-pmh", endpoint: `http://127.0.0.1:${closedPort}/oai` });
    expect(refused.status).toBe(200);
    expect(refused.body.ok).toBe(false);
    expect(refused.body.summary).toMatch(/ECONNREFUSED|refused|unreachable|connect/i);
    const missing = await admin.post<Answer>("/v1/admin/sources/test", { protocol: "oai-pmh", endpoint: `${peerUrl}/nothing` });
    expect(missing.body).toMatchObject({ ok: false });
    expect(missing.body.summary).toMatch(/404/);
    const sru = await admin.post<Answer>("/v1/admin/sources/test", { protocol: "sru", endpoint: `http://127.0.0.1:${closedPort}/sru` });
    expect(sru.body.ok).toBe(false);
    const z3950 = await admin.post<Answer>("/v1/admin/sources/test", { protocol: "z39.50", endpoint: `127.0.0.1:${closedPort}/Default` });
    expect(z3950.status).toBe(200);
    expect(z3950.body.ok).toBe(false);
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it("gives up on a silent server within ten seconds", { timeout: 15_000 }, async () => {
    const started = Date.now();
    const res = await admin.post<Answer>("/v1/admin/sources/test", { protocol: "oai-pmh", endpoint: `${peerUrl}/slow` });
    expect(res.status).toBe(200);
    expect(res.body.ok).toBe(false);
    expect(Date.now() - started).toBeLessThan(10_500);
  });

  it("lists the MARC files of a folder inside the import roots and refuses one outside", async () => {
    const inside = await admin.post<Answer>("/v1/admin/sources/test", { protocol: "file", endpoint: "west" });
    expect(inside.body).toMatchObject({ ok: true, details: { files: ["a.mrc"], fileCount: 1 } });
    const outside = await admin.post<Answer>("/v1/admin/sources/test", { protocol: "file", endpoint: "../../etc" });
    expect(outside.status).toBe(200);
    expect(outside.body.ok).toBe(false);
    expect(outside.body.summary).toMatch(/inside/);
    const absent = await admin.post<Answer>("/v1/admin/sources/test", { protocol: "file", endpoint: "nowhere" });
    expect(absent.body.ok).toBe(false);
  });

  it("refuses a malformed body with a 400 problem", async () => {
    const res = await admin.post("/v1/admin/sources/test", { protocol: "gopher", endpoint: "x" });
    expect(res.status).toBe(400);
    expect(res.type).toContain("application/problem+json");
  });
});
