/**
 * The API process SIGKILLed while patrons place requests: after a restart every request is either
 * fully there (its row and both events) or not there at all, and retrying the same
 * Idempotency-Keys never makes a second one.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPatron, createSession, createSource, ensureLibrary, migrateToLatest, openDatabase, type DatabaseHandle } from "@interlend/db";
import { runHarvest } from "@interlend/harvester/run/run-harvest";
import { SESSION_COOKIE } from "@interlend/search-api/auth/options";
import { bibRecord, memorySource } from "../support/marc-factory.ts";
import { startReadyProcess } from "../support/ready-process.ts";

const PATRONS = 10;
const TITLES_EACH = 6;

function startApi(sqlitePath: string) {
  return startReadyProcess(["test/support/api-process.ts"], { SQLITE_PATH: sqlitePath, PLACING_LIMIT: "100000" });
}

describe("the API killed while requests are being placed", () => {
  let dir: string;
  let sqlitePath: string;
  let database: DatabaseHandle;
  const patrons: Array<{ cookie: string; csrf: string }> = [];
  const records: number[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "interlend-kill-"));
    sqlitePath = path.join(dir, "kill.sqlite");
    database = openDatabase({ sqlitePath });
    await migrateToLatest(database);
    const db = database.db;
    const home = await ensureLibrary(db, { code: "HOME", name: "Home" });
    const lender = await ensureLibrary(db, { code: "LEND", name: "Lender" });
    const source = await createSource(db, { libraryId: lender.id, name: "lend-mem", protocol: "file", endpoint: "memory" });
    const titles = Array.from({ length: PATRONS * TITLES_EACH }, (_, i) => bibRecord({ id: `t${i}`, title: `Kill title ${i}`, oclc: String(7000 + i), items: [[`b${i}`, "available"]] }));
    await runHarvest({ db, source, adapter: memorySource([titles]) });
    records.push(...(await db.selectFrom("bib_records").select("cluster_id").orderBy("cluster_id").execute()).map((r) => r.cluster_id!));
    for (let i = 0; i < PATRONS; i++) {
      const patron = await createPatron(db, { libraryId: home.id, cardNumber: `K${i}`, name: `Reader ${i}` });
      const session = await createSession(db, { patronId: patron.id, role: "patron" });
      patrons.push({ cookie: `${SESSION_COOKIE}=${session.token}`, csrf: session.csrfToken });
    }
  });
  afterAll(async () => {
    await database?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const place = (url: string, p: number, t: number) =>
    fetch(`${url}/v1/requests`, {
      method: "POST",
      headers: { "content-type": "application/json", cookie: patrons[p]!.cookie, "x-csrf-token": patrons[p]!.csrf, "idempotency-key": `kill-${p}-${t}` },
      body: JSON.stringify({ recordId: records[p * TITLES_EACH + t] }),
    });

  it("leaves only whole requests, and retries complete the rest exactly once", { timeout: 180_000 }, async () => {
    const first = await startApi(sqlitePath);
    const calls: Array<Promise<unknown>> = [];
    let placed = 0;
    for (let p = 0; p < PATRONS; p++) {
      for (let t = 0; t < TITLES_EACH; t++) {
        calls.push(place(first.url, p, t).then((r) => (r.status < 300 ? placed++ : undefined), () => undefined));
      }
    }
    // Kill once some requests have gone through and others are in flight.
    const started = Date.now();
    while (placed < 5 && Date.now() - started < 30_000) await new Promise((r) => setTimeout(r, 5));
    first.child.kill("SIGKILL");
    await Promise.all(calls);
    await first.exited();

    const db = database.db;
    const survivors = await db.selectFrom("requests").select(["id", "state"]).execute();
    expect(survivors.length).toBeGreaterThanOrEqual(5);
    expect(survivors.length).toBeLessThanOrEqual(PATRONS * TITLES_EACH);
    for (const request of survivors) {
      const events = await db.selectFrom("request_events").select("to_state").where("request_id", "=", request.id).orderBy("id").execute();
      expect(request.state).toBe("sent");
      expect(events.map((e) => e.to_state)).toEqual(["submitted", "sent"]);
    }
    const orphans = await db
      .selectFrom("request_events")
      .select("request_events.id")
      .where((eb) => eb.not(eb.exists(eb.selectFrom("requests").select("requests.id").whereRef("requests.id", "=", "request_events.request_id"))))
      .execute();
    expect(orphans).toEqual([]);

    const second = await startApi(sqlitePath);
    try {
      const statuses: number[] = [];
      for (let p = 0; p < PATRONS; p++) for (let t = 0; t < TITLES_EACH; t++) statuses.push((await place(second.url, p, t)).status);
      expect(statuses.filter((s) => s === 200).length).toBe(survivors.length);
      expect(statuses.filter((s) => s === 201).length).toBe(PATRONS * TITLES_EACH - survivors.length);
    } finally {
      await second.stop();
    }
    const all = await db.selectFrom("requests").select("idempotency_key").execute();
    expect(all).toHaveLength(PATRONS * TITLES_EACH);
    expect(new Set(all.map((r) => r.idempotency_key)).size).toBe(all.length);
  });
});
