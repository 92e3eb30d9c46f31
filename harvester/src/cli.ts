/**
 * `npm run harvest -- <source name or id>... [--incremental]`: harvests sources now, one after
 * another with a progress bar each, then indexes what they changed in one pass; with no source
 * named, lists the sources.
 */
import { parseArgs } from "node:util";
import { ConfigError, loadConfig } from "@interlend/core/config";
import { connectMeilisearch, createMeiliUnionIndexWriter, ensureUnionIndex, MeiliError } from "@interlend/core/meili";
import { findSource, findSourceByName, listSources, migrateToLatest, openDatabase, type Source } from "@interlend/db";
import { sourceProgressBars } from "./cli/progress-bar.ts";
import { describeRun } from "./run/describe-run.ts";
import { harvestSources } from "./run/harvest-sources.ts";

async function resolveSource(db: Parameters<typeof findSource>[0], ref: string): Promise<Source> {
  const source = /^\d+$/.test(ref) ? await findSource(db, Number(ref)) : await findSourceByName(db, ref);
  if (!source) throw new Error(`no source named or numbered "${ref}" (run without arguments to list them)`);
  return source;
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { incremental: { type: "boolean", default: false } },
  });
  const config = loadConfig(process.env);
  const database = openDatabase({ databaseUrl: config.DATABASE_URL, sqlitePath: config.sqlitePath, pgSchema: config.PG_SCHEMA });
  try {
    await migrateToLatest(database);
    if (positionals.length === 0) {
      const sources = await listSources(database.db);
      console.log(sources.length ? "Sources:" : "No sources yet: add one through the admin API or portal.");
      for (const s of sources) console.log(`  ${String(s.id).padStart(4)}  ${s.name}  (${s.protocol} ${s.endpoint})`);
      return 0;
    }
    const sources = await Promise.all(positionals.map((ref) => resolveSource(database.db, ref)));
    const meili = await connectMeilisearch(config, (line: string) => console.error(line));
    let failures = 0;
    try {
      await ensureUnionIndex(meili.transport, config.MEILI_INDEX);
      const index = createMeiliUnionIndexWriter(meili.transport, config.MEILI_INDEX);
      const bars = sourceProgressBars();
      await harvestSources({
        db: database.db,
        sources,
        index,
        mode: values.incremental ? "incremental" : "full",
        progressFor: bars.progressFor,
        onRunDone: (source, run) => {
          bars.stop();
          console.log(`${source.name}: ${describeRun(run)}`);
          if (run.status === "failed") failures++;
        },
        onIndexing: (clusters) => console.log(`indexing ${clusters} union records…`),
      })
        .then(() => index.flush())
        .catch((error: unknown) => {
          if (!(error instanceof MeiliError)) throw error;
          // The runs are in the db; their changes wait in the outbox for the next drain.
          console.error(`index: ${error.message} (the outbox keeps the changes)`);
          failures++;
        });
    } finally {
      await meili.close();
    }
    return failures > 0 ? 1 : 0;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : `harvest: ${(error as Error).message}`);
    process.exit(1);
  },
);
