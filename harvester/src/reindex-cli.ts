/** `npm run reindex`: rebuilds the Meilisearch union index from the db, swapping it in when done. */
import { ConfigError, loadConfig } from "@interlend/core/config";
import { connectMeilisearch, createMeiliUnionIndexWriter } from "@interlend/core/meili";
import { migrateToLatest, openDatabase } from "@interlend/db";
import cliProgress from "cli-progress";
import { drainOutbox } from "./indexer/drain-outbox.ts";
import { reindexAll } from "./indexer/reindex.ts";

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const database = openDatabase({ databaseUrl: config.DATABASE_URL, sqlitePath: config.sqlitePath, pgSchema: config.PG_SCHEMA });
  await migrateToLatest(database);
  const meili = await connectMeilisearch(config, (line: string) => console.error(line));
  const bar = new cliProgress.SingleBar({ format: "reindex {bar} {value}/{total} union records | ETA {eta_formatted}", stream: process.stderr, noTTYOutput: true }, cliProgress.Presets.shades_classic);
  try {
    let started = false;
    const result = await reindexAll(database.db, meili.transport, config.MEILI_INDEX, ({ clusters, total }) => {
      if (!started) bar.start(total, clusters);
      started = true;
      bar.update(clusters);
    });
    bar.stop();
    const writer = createMeiliUnionIndexWriter(meili.transport, config.MEILI_INDEX);
    await drainOutbox(database.db, writer);
    await writer.flush();
    console.log(`Reindexed ${result.clusters} union records into ${config.MEILI_INDEX}.`);
  } finally {
    await meili.close();
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : `reindex: ${(error as Error).message}`);
  process.exit(1);
});
