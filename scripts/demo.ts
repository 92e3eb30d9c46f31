import { mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import type { Kysely } from "kysely";
import { createSource, ensureLibrary, listLibraries, type Database } from "@interlend/db";
import { harvestProgressBar } from "@interlend/harvester/cli/progress-bar";
import type { UnionIndexWriter } from "@interlend/harvester/indexer/index-writer";
import { harvestSources } from "@interlend/harvester/run/harvest-sources";
import { writeDemoConsortium } from "../test/generator/write-files.ts";

export interface DemoOptions {
  db: Kysely<Database>;
  index: UnionIndexWriter;
  dataDir: string;
  records: number;
  log: (line: string) => void;
  /** Progress bars on stderr (off in tests). */
  showProgress?: boolean;
  seed?: number;
}

/**
 * First run only: writes a generated consortium as MARCXML files, registers each member with a
 * file source, and harvests them through the same path a real member's files take (all members
 * first, then one indexing pass, as a pod's first load).
 */
export async function harvestDemoConsortium(options: DemoOptions): Promise<boolean> {
  if ((await listLibraries(options.db)).length > 0) return false;
  const dir = path.join(options.dataDir, "demo");
  mkdirSync(dir, { recursive: true });
  if (!readdirSync(dir).some((f) => f.endsWith(".xml"))) {
    options.log(`Generating a demo consortium of ${options.records} records in ${dir}…`);
  }
  const { libraries, files } = await writeDemoConsortium({ records: options.records, outDir: dir, format: "marcxml", seed: options.seed ?? 1 });
  const sources = [];
  for (const member of libraries) {
    const library = await ensureLibrary(options.db, member);
    sources.push(
      await createSource(options.db, {
        libraryId: library.id,
        name: `${member.code.toLowerCase()}-demo-file`,
        protocol: "file",
        endpoint: files[member.code]!,
      }),
    );
  }
  const bars = new Map<number, ReturnType<typeof harvestProgressBar>>();
  await harvestSources({
    db: options.db,
    sources,
    index: options.index,
    progressFor: (source) => {
      if (options.showProgress === false) return undefined;
      const bar = harvestProgressBar(source.name);
      bars.set(source.id, bar);
      return bar.update;
    },
    onRunDone: (source, run) => {
      bars.get(source.id)?.stop();
      if (run.status === "failed") options.log(`  ${source.name}: harvest failed: ${run.error}`);
    },
    onIndexing: (clusters) => options.log(`Indexing ${clusters} union records…`),
  });
  return true;
}
