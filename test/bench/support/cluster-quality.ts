/** Harvests a generated consortium through the real file path and scores its clusters against the generator's ground truth. */
import { readFileSync } from "node:fs";
import type { Kysely } from "kysely";
import { createSource, ensureLibrary, type Database } from "@interlend/db";
import { runHarvest } from "@interlend/harvester/run/run-harvest";
import { writeDemoConsortium } from "../../generator/write-files.ts";
import { pairwiseScores } from "./pairwise.ts";

export async function clusterQuality(db: Kysely<Database>, options: { records: number; outDir: string; seed: number }) {
  const demo = await writeDemoConsortium({ ...options, format: "iso2709" });
  for (const member of demo.libraries) {
    const library = await ensureLibrary(db, member);
    const source = await createSource(db, { libraryId: library.id, name: member.code, protocol: "file", endpoint: demo.files[member.code]! });
    const run = await runHarvest({ db, source });
    if (run.status === "failed") throw new Error(`${member.code}: ${run.error}`);
  }
  const rows = await db
    .selectFrom("bib_records")
    .innerJoin("libraries", "libraries.id", "bib_records.library_id")
    .select(["libraries.code", "bib_records.local_id", "bib_records.cluster_id"])
    .execute();
  const clusterOf = new Map(rows.map((r) => [`${r.code}\u0000${r.local_id}`, r.cluster_id ?? -1]));
  const labelled = readFileSync(demo.groundTruth, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { library: string; localId: string; workKey: string })
    .flatMap((t) => {
      const predicted = clusterOf.get(`${t.library}\u0000${t.localId}`);
      return predicted === undefined ? [] : [{ predicted, truth: t.workKey }];
    });
  return { records: labelled.length, clusters: new Set(labelled.map((l) => l.predicted)).size, works: new Set(labelled.map((l) => l.truth)).size, ...pairwiseScores(labelled) };
}
