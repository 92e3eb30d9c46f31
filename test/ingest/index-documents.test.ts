/**
 * The union documents a harvest sends while it runs (built from each page for new clusters, from
 * the db for the others, in the background) are the ones a rebuild from the db gives, on both
 * dialects; the outbox is empty afterwards. And the file source's worker prepares the same pages
 * as this thread, and an incremental run of an unchanged file reads nothing.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { UnionDocument } from "@interlend/core/meili";
import { buildClusterDocuments } from "@interlend/harvester/indexer/drain-outbox";
import { toIso2709, MARCXML_COLLECTION_CLOSE, MARCXML_COLLECTION_OPEN, toMarcXmlRecord } from "@interlend/harvester/marc/writers";
import { runHarvest } from "@interlend/harvester/run/run-harvest";
import { FileSource } from "@interlend/harvester/sources/file/file-source";
import { DIALECTS } from "../support/databases.ts";
import { fileSourcePodPerTest } from "../support/file-source-pod.ts";
import { bibRecord, type BibSpec } from "../support/marc-factory.ts";

function specs(prefix: string, count: number, shift: number): BibSpec[] {
  return Array.from({ length: count }, (_, i) => ({
    id: `${prefix}${i}`,
    title: `Title ${(i + shift) % 40}`,
    author: `Author, ${(i + shift) % 7}`,
    year: 1990 + ((i + shift) % 5),
    isbns: (i + shift) % 3 === 0 ? [] : [`978000000${String((i + shift) % 60).padStart(3, "0")}X`.replace("X", "0")],
    items: [[`${prefix}-b${i}`, i % 4 === 0 ? "on_loan" : "available"]],
  }));
}

describe.each(DIALECTS)("index documents during a harvest on %s", (dialect) => {
  const pod = fileSourcePodPerTest(
    dialect,
    ["AAA", "BBB", "CCC"],
    (dir, code, n) => {
      const records = specs(code.toLowerCase(), 150, n * 11).map(bibRecord);
      const file = path.join(dir, `${code}.${n === 1 ? "xml" : "mrc"}`);
      writeFileSync(file, n === 1 ? MARCXML_COLLECTION_OPEN + records.map(toMarcXmlRecord).join("\n") + MARCXML_COLLECTION_CLOSE : Buffer.concat(records.map(toIso2709)));
      return file;
    },
    40,
  );

  it("sends what a rebuild from the db gives, and leaves the outbox empty", async () => {
    const db = pod.database!.db;
    const sent = new Map<string, UnionDocument>();
    const removed = new Set<string>();
    const writer = {
      replace: async (docs: UnionDocument[]) => docs.forEach((d) => (sent.set(d.id, d), removed.delete(d.id))),
      remove: async (ids: string[]) => ids.forEach((id) => (sent.delete(id), removed.add(id))),
    };
    for (const source of pod.sources) {
      const run = await runHarvest({ db, source, index: writer });
      expect(run.error).toBeNull();
      expect(run.added).toBe(150);
    }
    const ids = (await db.selectFrom("clusters").select("id").orderBy("id").execute()).map((r) => r.id);
    const rebuilt = await buildClusterDocuments(db, ids);
    expect(rebuilt.empty).toEqual([]);
    expect(new Map([...sent].sort(([a], [b]) => Number(a) - Number(b)))).toEqual(new Map(rebuilt.documents.map((d) => [d.id, d])));
    expect(await db.selectFrom("index_outbox").selectAll().execute()).toEqual([]);

    // Nothing changed: an incremental run reads nothing and sends nothing.
    sent.clear();
    const again = await runHarvest({ db, source: pod.sources[0]!, index: writer, mode: "incremental" });
    expect([again.status, again.seen]).toEqual(["succeeded", 0]);
    expect(sent.size).toBe(0);
    // A full run reads the file again and finds every record unchanged.
    const full = await runHarvest({ db, source: pod.sources[0]!, index: writer, mode: "full" });
    expect([full.seen, full.added, full.updated]).toEqual([150, 0, 0]);
    expect(sent.size).toBe(0);
  });
});

describe("file source: worker and this thread", () => {
  it("prepare the same pages", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "interlend-worker-"));
    try {
      const records = specs("w", 90, 0).map(bibRecord);
      const file = path.join(dir, "w.mrc");
      writeFileSync(file, Buffer.concat([...records.map(toIso2709), Buffer.from("00050nam  2200000   4500junk\x1d")]));
      const context = { mode: "full" as const, resumeFrom: null, lastSuccessAt: null };
      const pages = async (worker: boolean) => {
        const out = [];
        for await (const page of new FileSource({ path: file, pageSize: 25, worker }).preparedPages(context, {})) out.push(page);
        return out;
      };
      // The total is a progress hint from a scan running beside the reading: which pages carry it
      // depends on timing, so it is compared apart.
      const withoutTotal = (list: Awaited<ReturnType<typeof pages>>) => list.map(({ expectedTotal: _, ...page }) => page);
      const inWorker = await pages(true);
      const here = await pages(false);
      expect(inWorker.length).toBe(4);
      expect(withoutTotal(inWorker)).toEqual(withoutTotal(here));
      for (const page of [...inWorker, ...here]) expect([undefined, 91]).toContain(page.expectedTotal);
      expect(here.flatMap((p) => p.prepared.rejected)).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
