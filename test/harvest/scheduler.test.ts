import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSource, ensureLibrary, listRuns, updateSource, type HarvestRun, type Source } from "@interlend/db";
import { toIso2709 } from "@interlend/harvester/marc/writers";
import { runHarvest } from "@interlend/harvester/run/run-harvest";
import { scheduleProblem } from "@interlend/harvester/schedule/cron-schedule";
import { HarvestScheduler } from "@interlend/harvester/schedule/scheduler";
import { createTestDatabase, DIALECTS, postgresAvailable, type TestDatabase } from "../support/databases.ts";
import { bibRecord } from "../support/marc-factory.ts";

describe("schedule validation", () => {
  it("accepts cron expressions with a known time zone and explains bad ones", () => {
    expect(scheduleProblem("0 2 * * *", "Europe/Berlin")).toBeUndefined();
    expect(scheduleProblem("*/30 * * * * *", "UTC")).toBeUndefined();
    expect(scheduleProblem("61 * * * *", "UTC")).toMatch(/not a valid cron expression/);
    expect(scheduleProblem("every day", "UTC")).toMatch(/not a valid cron expression/);
    expect(scheduleProblem("0 2 * * *", "Mars/Olympus")).toMatch(/time zone/);
  });
});

describe.each(DIALECTS)("harvest scheduler on %s", (dialect) => {
  let database: TestDatabase | undefined;
  let dir: string;
  let scheduler: HarvestScheduler | undefined;
  const sources: Source[] = [];

  beforeEach(async (ctx) => {
    if (dialect === "postgres" && !(await postgresAvailable())) return ctx.skip();
    database = await createTestDatabase(dialect);
    dir = mkdtempSync(path.join(os.tmpdir(), "interlend-sched-"));
    sources.length = 0;
    for (const code of ["ONE", "TWO", "THREE"]) {
      const library = await ensureLibrary(database.db, { code, name: code });
      const file = path.join(dir, `${code}.mrc`);
      const records = Array.from({ length: 20 }, (_, i) => toIso2709(bibRecord({ id: `${code}-${i}`, title: `Title ${code} ${i}`, isbns: [] })));
      writeFileSync(file, Buffer.concat(records));
      sources.push(await createSource(database.db, { libraryId: library.id, name: `${code}-file`, protocol: "file", endpoint: file }));
    }
  });
  afterEach(async () => {
    await scheduler?.stop();
    scheduler = undefined;
    await database?.dispose();
    database = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const slowRun = (stats: { active: number; max: number }, delayMs: number) => async (source: Source): Promise<HarvestRun> => {
    stats.active++;
    stats.max = Math.max(stats.max, stats.active);
    try {
      await new Promise((r) => setTimeout(r, delayMs));
      return await runHarvest({ db: database!.db, source });
    } finally {
      stats.active--;
    }
  };

  it("runs a source on its cron schedule, from the schedule kept in the db", async () => {
    const db = database!.db;
    await updateSource(db, sources[0]!.id, { schedule: "* * * * * *", timezone: "Europe/Berlin" });
    await updateSource(db, sources[1]!.id, { schedule: "* * * * * *", enabled: false });
    scheduler = new HarvestScheduler({ db, run: (source) => runHarvest({ db, source }) });
    await scheduler.reload();
    expect(scheduler.scheduled().map((s) => s.sourceId)).toEqual([sources[0]!.id]);
    const deadline = Date.now() + 5_000;
    let runs: HarvestRun[] = [];
    while (Date.now() < deadline) {
      runs = (await listRuns(db, { sourceId: sources[0]!.id })).filter((r) => r.status === "succeeded");
      if (runs.length > 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(runs[0]?.seen).toBe(20);
    expect(await listRuns(db, { sourceId: sources[1]!.id })).toHaveLength(0);

    await updateSource(db, sources[0]!.id, { schedule: null });
    await scheduler.reload();
    expect(scheduler.scheduled()).toHaveLength(0);
  });

  it("never runs one source twice at once and caps concurrency across sources", async () => {
    const stats = { active: 0, max: 0 };
    scheduler = new HarvestScheduler({ db: database!.db, run: slowRun(stats, 150), concurrency: 2 });
    const first = await scheduler.harvestNow(sources[0]!.id);
    const again = await scheduler.harvestNow(sources[0]!.id);
    expect(first.accepted).toBe(true);
    expect(again).toMatchObject({ accepted: false, reason: expect.stringContaining("already") });
    const others = await Promise.all([scheduler.harvestNow(sources[1]!.id), scheduler.harvestNow(sources[2]!.id)]);
    expect(others.every((o) => o.accepted)).toBe(true);
    const runs = await Promise.all([first.done, ...others.map((o) => o.done)]);
    expect(runs.map((r) => r?.status)).toEqual(["succeeded", "succeeded", "succeeded"]);
    expect(stats.max).toBe(2);
    expect((await scheduler.harvestNow(99999)).accepted).toBe(false);
  });
});
