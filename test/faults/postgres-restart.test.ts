/**
 * PostgreSQL restarted while patrons place requests: calls in flight fail with a clean problem
 * (no stack trace, no hang), retries with the same Idempotency-Key succeed once the server is
 * back, and no request is half-written or duplicated.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPatron, createSession, createSource, ensureLibrary, migrateToLatest, openDatabase, type DatabaseHandle } from "@interlend/db";
import { runHarvest } from "@interlend/harvester/run/run-harvest";
import { SESSION_COOKIE } from "@interlend/search-api/auth/options";
import { cachedLibraryNames } from "@interlend/search-api/library-names";
import { startApiServer, type RunningServer } from "@interlend/search-api/server";
import { bibRecord, memorySource } from "../support/marc-factory.ts";
import { PostgresBinariesMissingError, startThrowawayPostgres, type ThrowawayPostgres } from "../support/throwaway-postgres.ts";

const PATRONS = 8;
const TITLES_EACH = 4;

describe("PostgreSQL restarted during request placing", () => {
  let cluster: ThrowawayPostgres | undefined;
  let database: DatabaseHandle;
  let api: RunningServer;
  const patrons: Array<{ cookie: string; csrf: string }> = [];
  const records: number[] = [];

  beforeAll(async () => {
    try {
      cluster = await startThrowawayPostgres();
    } catch (error) {
      if (process.env.CI === "true" || !(error instanceof PostgresBinariesMissingError)) throw error;
      console.warn(`\n!!! PostgreSQL restart test SKIPPED: ${(error as Error).message} !!!\n`);
      return;
    }
    database = openDatabase({ databaseUrl: cluster.url, poolSize: 6 });
    await migrateToLatest(database);
    const db = database.db;
    const home = await ensureLibrary(db, { code: "HOME", name: "Home" });
    for (const code of ["LEND1", "LEND2"]) {
      const library = await ensureLibrary(db, { code, name: code });
      const source = await createSource(db, { libraryId: library.id, name: `${code}-mem`, protocol: "file", endpoint: "memory" });
      const titles = Array.from({ length: PATRONS * TITLES_EACH }, (_, i) => bibRecord({ id: `${code}-${i}`, title: `Restart title ${i}`, oclc: String(9000 + i), items: [[`${code}-${i}`, "available"]] }));
      await runHarvest({ db, source, adapter: memorySource([titles]) });
    }
    const clusters = await db.selectFrom("bib_records").select("cluster_id").distinct().orderBy("cluster_id").execute();
    records.push(...clusters.map((c) => c.cluster_id!));
    for (let i = 0; i < PATRONS; i++) {
      const patron = await createPatron(db, { libraryId: home.id, cardNumber: `R${i}`, name: `Reader ${i}` });
      const session = await createSession(db, { patronId: patron.id, role: "patron" });
      patrons.push({ cookie: `${SESSION_COOKIE}=${session.token}`, csrf: session.csrfToken });
    }
    api = await startApiServer(
      { db, search: { search: async () => ({ hits: [] }), healthy: async () => true }, libraryNames: cachedLibraryNames(db), placingRateLimit: { limit: 1000, windowMs: 60_000 } } as Parameters<typeof startApiServer>[0],
      "127.0.0.1",
      0,
    );
  }, 180_000);

  afterAll(async () => {
    await api?.close();
    await database?.close();
    await cluster?.stop();
  });

  it("answers in-flight calls cleanly, and retries land each request exactly once", async (ctx) => {
    if (!cluster) return ctx.skip();
    const failures: Array<{ status: number; type: string; body: string }> = [];
    const place = async (patron: number, record: number, key: string) => {
      for (let attempt = 0; attempt < 60; attempt++) {
        try {
          const response = await fetch(`${api.url}/v1/requests`, {
            method: "POST",
            headers: { "content-type": "application/json", cookie: patrons[patron]!.cookie, "x-csrf-token": patrons[patron]!.csrf, "idempotency-key": key },
            body: JSON.stringify({ recordId: record }),
            signal: AbortSignal.timeout(10_000),
          });
          const body = await response.text();
          if (response.status === 201 || response.status === 200) return JSON.parse(body) as { id: number };
          failures.push({ status: response.status, type: response.headers.get("content-type") ?? "", body });
        } catch (error) {
          failures.push({ status: 0, type: "", body: (error as Error).message });
        }
        await new Promise((r) => setTimeout(r, 250));
      }
      throw new Error(`request ${key} never succeeded`);
    };
    const jobs: Array<Promise<{ id: number }>> = [];
    let restarted: Promise<void> | undefined;
    for (let p = 0; p < PATRONS; p++) {
      for (let t = 0; t < TITLES_EACH; t++) {
        jobs.push(place(p, records[p * TITLES_EACH + t]!, `restart-${p}-${t}`));
        if (p === 2 && t === 0) restarted = cluster.restart();
      }
    }
    await restarted;
    const placed = await Promise.all(jobs);
    expect(new Set(placed.map((r) => r.id)).size).toBe(PATRONS * TITLES_EACH);
    // Failures during the restart are problem bodies (5xx), never stack traces.
    for (const failure of failures.filter((f) => f.status >= 500)) {
      expect(failure.status).toBe(503);
      expect(failure.type).toContain("application/problem+json");
      expect(failure.body).not.toMatch(/\n\s+at /);
    }
    const db = database.db;
    const requests = await db.selectFrom("requests").select(["id", "state", "idempotency_key"]).execute();
    expect(requests).toHaveLength(PATRONS * TITLES_EACH);
    expect(new Set(requests.map((r) => r.idempotency_key)).size).toBe(requests.length);
    for (const request of requests) {
      expect(request.state).toBe("sent");
      const events = await db.selectFrom("request_events").select("to_state").where("request_id", "=", request.id).orderBy("id").execute();
      expect(events.map((e) => e.to_state)).toEqual(["submitted", "sent"]);
    }
    console.log(`restart: ${failures.length} failed attempts were retried (${failures.filter((f) => f.status >= 500).length} problem answers)`);
  });
});
