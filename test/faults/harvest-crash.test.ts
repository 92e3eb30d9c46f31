/**
 * SIGKILL mid-harvest: the next run resumes from the last committed checkpoint, and every record is
 * there exactly once.
 */
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "@interlend/core";
import { createSource, ensureLibrary, listRuns, migrateToLatest, openDatabase, type DatabaseHandle } from "@interlend/db";
import { toIso2709 } from "@interlend/harvester/marc/writers";
import { runHarvest } from "@interlend/harvester/run/run-harvest";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import { bibRecord } from "../support/marc-factory.ts";

const RECORDS = 6_000;

describe("a harvest killed mid-run", () => {
  let dir: string;
  let database: DatabaseHandle;
  let sqlitePath: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "interlend-crash-"));
    sqlitePath = path.join(dir, "crash.sqlite");
    database = openDatabase({ sqlitePath });
    await migrateToLatest(database);
    writeFileSync(
      path.join(dir, "member.mrc"),
      Buffer.concat(Array.from({ length: RECORDS }, (_, i) => toIso2709(bibRecord({ id: `k${i}`, title: `Crash title ${i}`, isbns: [], items: [[`c${i}`, "available"]] })))),
    );
  });
  afterAll(async () => {
    await database?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("resumes after SIGKILL from its checkpoint with no record lost or duplicated", async () => {
    const db = database.db;
    const library = await ensureLibrary(db, { code: "CRS", name: "Crash Library" });
    const source = await createSource(db, { libraryId: library.id, name: "crash-file", protocol: "file", endpoint: path.join(dir, "member.mrc"), options: { pageSize: 500 } });

    const child = spawn(process.execPath, ["--import", "tsx", path.join(REPO_ROOT, "test/faults/harvest-child.ts"), String(source.id)], {
      cwd: REPO_ROOT,
      env: { ...process.env, SQLITE_PATH: sqlitePath },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let pagesSeen = 0;
    for await (const line of createInterface({ input: child.stdout! })) {
      if (line.startsWith("PAGE ")) pagesSeen = Number(line.split(" ")[1]);
      if (pagesSeen >= 3) {
        child.kill("SIGKILL");
        break;
      }
      if (line.startsWith("DONE")) break;
    }
    if (child.exitCode === null && child.signalCode === null) await new Promise((resolve) => child.once("exit", resolve));
    expect(pagesSeen).toBeGreaterThanOrEqual(3);
    const partial = await db.selectFrom("bib_records").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(partial.n)).toBeGreaterThan(0);
    expect(Number(partial.n)).toBeLessThan(RECORDS);
    const [interrupted] = await listRuns(db, { sourceId: source.id });
    expect(interrupted?.status).toBe("running");
    expect(interrupted?.checkpoint).toBeTruthy();

    // The dead run's heartbeat is old enough to take over once it is marked stale.
    await db.updateTable("harvest_runs").set({ heartbeat_at: "2000-01-01T00:00:00.000Z" }).where("id", "=", interrupted!.id).execute();
    const resumed = await runHarvest({ db, source });
    expect(resumed.status).toBe("succeeded");
    expect(resumed.seen).toBeLessThan(RECORDS);
    const rows = await db.selectFrom("bib_records").select(["local_id"]).execute();
    expect(rows).toHaveLength(RECORDS);
    expect(new Set(rows.map((r) => r.local_id)).size).toBe(RECORDS);
    const items = await db.selectFrom("items").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
    expect(Number(items.n)).toBe(RECORDS);
    const runs = await listRuns(db, { sourceId: source.id });
    expect(runs.find((r) => r.id === interrupted!.id)?.status).toBe("failed");
  });
});
