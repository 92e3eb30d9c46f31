/** Clustering quality on a generated, labelled consortium, through the real ingest path, on both dialects. */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { clusterQuality } from "../bench/support/cluster-quality.ts";
import { createTestDatabase, DIALECTS, postgresAvailable } from "../support/databases.ts";

describe.each(DIALECTS)("cluster quality on %s", (dialect) => {
  it("joins the same work across members (recall ≥ 0.95) and keeps editions apart (precision ≥ 0.99)", async (ctx) => {
    if (dialect === "postgres" && !(await postgresAvailable())) return ctx.skip();
    const database = await createTestDatabase(dialect);
    const dir = mkdtempSync(path.join(os.tmpdir(), "interlend-quality-"));
    try {
      const quality = await clusterQuality(database.db, { records: 3_000, outDir: dir, seed: 5 });
      expect(quality.records).toBe(3_000);
      expect(quality.truePairs).toBeGreaterThan(500);
      expect(quality.precision).toBeGreaterThanOrEqual(0.99);
      expect(quality.recall).toBeGreaterThanOrEqual(0.95);
    } finally {
      await database.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
