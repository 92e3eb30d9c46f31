/**
 * A harvest whose index work spans more clusters than one statement reads or clears at a time
 * (the SQLite path reads them in IN lists of a fixed length, the last one padded): every cluster
 * is sent once, as a rebuild from the db gives it, and the outbox ends empty, on both dialects.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { UnionDocument } from "@interlend/core/meili";
import { buildClusterDocuments } from "@interlend/harvester/indexer/drain-outbox";
import { toIso2709 } from "@interlend/harvester/marc/writers";
import { runHarvest } from "@interlend/harvester/run/run-harvest";
import { DIALECTS } from "../support/databases.ts";
import { fileSourcePodPerTest } from "../support/file-source-pod.ts";
import { bibRecord } from "../support/marc-factory.ts";

/** Distinct works (an OCLC number each), so each becomes a cluster of its own; the second member holds them all again. */
const WORKS = 640;

function memberFile(dir: string, code: string): string {
  const records = Array.from({ length: WORKS }, (_, i) =>
    bibRecord({
      id: `${code}${i}`,
      title: `Work number ${i}`,
      oclc: String(100_000 + i),
      items: [[`${code}-b${i}`, i % 3 === 0 ? "on_loan" : "available"]],
    }),
  );
  const file = path.join(dir, `${code}.mrc`);
  writeFileSync(file, Buffer.concat(records.map(toIso2709)));
  return file;
}

describe.each(DIALECTS)("index work of many clusters on %s", (dialect) => {
  const pod = fileSourcePodPerTest(dialect, ["AAA", "BBB"], memberFile, 500);

  it("sends every cluster once, as the db gives it, and leaves the outbox empty", async () => {
    const db = pod.database!.db;
    const sent = new Map<string, UnionDocument>();
    const writer = { replace: async (docs: UnionDocument[]) => docs.forEach((d) => sent.set(d.id, d)), remove: async () => {} };
    for (const source of pod.sources) {
      const run = await runHarvest({ db, source, index: writer });
      expect([run.error, run.added]).toEqual([null, WORKS]);
    }
    const ids = (await db.selectFrom("clusters").select("id").orderBy("id").execute()).map((r) => r.id);
    expect(ids).toHaveLength(WORKS);
    const rebuilt = await buildClusterDocuments(db, ids);
    expect(rebuilt.documents.map((d) => d.id)).toEqual(ids.map(String));
    expect(rebuilt.documents.every((d) => d.libraries.join() === "AAA,BBB" && d.holdingsCount === 2)).toBe(true);
    expect(new Map([...sent].sort(([a], [b]) => Number(a) - Number(b)))).toEqual(new Map(rebuilt.documents.map((d) => [d.id, d])));
    expect(await db.selectFrom("index_outbox").selectAll().execute()).toEqual([]);
  });
});
