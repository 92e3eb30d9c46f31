import { mkdirSync, readdirSync } from "node:fs";
import path from "node:path";
import type { Kysely } from "kysely";
import { createSource, ensureLibrary, listLibraries, type Database, type Source } from "@interlend/db";
import { sourceProgressBars } from "@interlend/harvester/cli/progress-bar";
import type { UnionIndexWriter } from "@interlend/harvester/indexer/index-writer";
import { harvestSources } from "@interlend/harvester/run/harvest-sources";
import { writeDemoConsortium, type DemoConsortiumFiles } from "../test/generator/write-files.ts";

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

/** Each member of a generated consortium as a library with a file source for its file. */
export async function registerDemoMembers(
  db: Kysely<Database>,
  consortium: Pick<DemoConsortiumFiles, "libraries" | "files">,
  sourceName: (code: string) => string = (code) => code,
): Promise<Source[]> {
  const sources: Source[] = [];
  for (const member of consortium.libraries) {
    const library = await ensureLibrary(db, member);
    sources.push(await createSource(db, { libraryId: library.id, name: sourceName(member.code), protocol: "file", endpoint: consortium.files[member.code]! }));
  }
  return sources;
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
  const sources = await registerDemoMembers(options.db, { libraries, files }, (code) => `${code.toLowerCase()}-demo-file`);
  const bars = options.showProgress === false ? undefined : sourceProgressBars();
  await harvestSources({
    db: options.db,
    sources,
    index: options.index,
    progressFor: bars?.progressFor,
    onRunDone: (source, run) => {
      bars?.stop();
      if (run.status === "failed") options.log(`  ${source.name}: harvest failed: ${run.error}`);
    },
    onIndexing: (clusters) => options.log(`Indexing ${clusters} union records…`),
  });
  return true;
}
