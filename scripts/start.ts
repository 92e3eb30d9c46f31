/**
 * `npm start`: one process runs the whole pod — db migrations, Meilisearch (embedded unless
 * MEILI_URL is set), the search API, the portal, and on first start a demo consortium.
 */
import { ConfigError, loadConfig } from "@interlend/core/config";
import { connectMeilisearch, createMeiliUnionIndexWriter, ensureUnionIndex, lacksFacetValues } from "@interlend/core/meili";
import { migrateToLatest, openDatabase, startMaintenance } from "@interlend/db";
import { reindexAll } from "@interlend/harvester/indexer/reindex";
import { describeRun } from "@interlend/harvester/run/describe-run";
import { runHarvest } from "@interlend/harvester/run/run-harvest";
import { HarvestScheduler } from "@interlend/harvester/schedule/scheduler";
import { bootstrapAdminFromEnv } from "@interlend/search-api/auth/bootstrap";
import { startRequestJobs } from "@interlend/search-api/jobs/index";
import { configureNotifications } from "@interlend/search-api/notifications/sender";
import { cachedLibraryNames } from "@interlend/search-api/library-names";
import { startApiServer } from "@interlend/search-api/server";
import { createMeiliSearchBackend, unionSearchCache } from "@interlend/search-api/services/meili-search-backend";
import { memberLiveAvailability } from "@interlend/search-api/services/member-live-availability";
import { createWriteStream, mkdirSync } from "node:fs";
import path from "node:path";
import { harvestDemoConsortium } from "./demo.ts";
import { ensurePortalBuilt, startPortalServer } from "./portal-server.ts";

const log = (line: string) => console.log(line);

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const withDemo = !process.argv.includes("--no-demo") && config.DEMO_RECORDS > 0;
  const cleanups: Array<() => Promise<void>> = [];
  const shutdown = async (signal: string) => {
    log(`\n${signal}: shutting down…`);
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => console.error(error));
    process.exit(0);
  };
  process.once("SIGINT", () => void shutdown("SIGINT"));
  process.once("SIGTERM", () => void shutdown("SIGTERM"));

  mkdirSync(config.dataDir, { recursive: true });
  const database = openDatabase({ databaseUrl: config.DATABASE_URL, sqlitePath: config.sqlitePath, pgSchema: config.PG_SCHEMA });
  cleanups.push(() => database.close());
  await migrateToLatest(database);
  log(`Database: ${config.dialect === "postgres" ? "PostgreSQL" : `SQLite at ${config.sqlitePath}`}`);

  // Meilisearch's own log lines go to a file beside its data, not into the console.
  const meiliLog = createWriteStream(path.join(config.dataDir, "meili.log"), { flags: "a" });
  cleanups.push(async () => void meiliLog.end());
  const meili = await connectMeilisearch(config, (line) => meiliLog.write(`${line}\n`));
  cleanups.push(() => meili.close());
  await ensureUnionIndex(meili.transport, config.MEILI_INDEX);
  log(`Meilisearch: ${meili.url}${meili.managed ? " (embedded)" : ""}`);
  if (await lacksFacetValues(meili.transport, config.MEILI_INDEX)) {
    // An index from an older version: rebuilt once, in the background, swapped in when complete.
    log("The union index predates facet values: rebuilding it from the db (search answers meanwhile, its filters once done)…");
    void reindexAll(database.db, meili.transport, config.MEILI_INDEX).then(
      ({ clusters }) => log(`Union index rebuilt: ${clusters} union records.`),
      (error: unknown) => log(`Union index rebuild failed (run npm run reindex): ${(error as Error).message}`),
    );
  }

  await bootstrapAdminFromEnv(database.db, process.env, log);
  const index = createMeiliUnionIndexWriter(meili.transport, config.MEILI_INDEX);
  const scheduler = new HarvestScheduler({
    db: database.db,
    concurrency: config.HARVEST_CONCURRENCY,
    log,
    run: async (source) => {
      const run = await runHarvest({ db: database.db, source, index, mode: "incremental", onIndexError: (e) => log(`index: ${e.message}`) });
      log(`harvest ${source.name}: ${describeRun(run)}`);
      return run;
    },
  });
  cleanups.push(() => scheduler.stop());

  const api = await startApiServer(
    {
      db: database.db,
      search: createMeiliSearchBackend(meili.transport, config.MEILI_INDEX),
      searchCache: unionSearchCache(meili.transport, config.SEARCH_CACHE_SECONDS),
      libraryNames: cachedLibraryNames(database.db),
      maxBodyBytes: config.MAX_BODY_BYTES,
      harvests: scheduler,
      liveAvailability: memberLiveAvailability(database.db),
      fileRoots: [path.join(config.dataDir, "imports"), path.join(config.dataDir, "demo")],
      maxUploadBytes: config.MAX_UPLOAD_BYTES,
      log: (message, error) => console.error(message, error),
    },
    config.HOST,
    config.API_PORT,
  );
  cleanups.push(() => api.close());
  log(`Search API: ${api.url}`);

  await scheduler.reload();
  const stopMaintenance = startMaintenance(database.db, log);
  cleanups.push(async () => stopMaintenance());
  configureNotifications(database.db, { smtpUrl: config.SMTP_URL, from: config.NOTIFY_FROM, log: (message, error) => console.error(message, error ?? "") });
  const requestJobs = startRequestJobs(database.db, { log: (message, error) => console.error(message, error ?? "") });
  cleanups.push(() => requestJobs.stop());

  ensurePortalBuilt(log);
  const portal = await startPortalServer(api.url, config.HOST, config.PORTAL_PORT);
  cleanups.push(() => portal.close());
  log(`\nInterlend is running: open ${portal.url}\n(Ctrl+C stops it)`);
  if (withDemo) {
    const harvested = await harvestDemoConsortium({ db: database.db, index, dataDir: config.dataDir, records: config.DEMO_RECORDS, log });
    await index.flush();
    if (harvested) log("Demo consortium harvested and indexed: search it in the portal.");
  }
}

main().catch((error: unknown) => {
  if (error instanceof ConfigError) {
    console.error(error.message);
  } else {
    console.error("Interlend could not start:", error instanceof Error ? error.message : error);
    if (process.env.LOG_LEVEL === "debug") console.error(error);
  }
  process.exit(1);
});
