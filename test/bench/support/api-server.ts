/** The API as its own process for the benches (so load generator and server don't share a core's event loop). */
import { loadConfig } from "@interlend/core/config";
import { createMeiliTransport } from "@interlend/core/meili";
import { openDatabase } from "@interlend/db";
import { cachedLibraryNames } from "@interlend/search-api/library-names";
import { startApiServer } from "@interlend/search-api/server";
import { createMeiliSearchBackend } from "@interlend/search-api/services/meili-search-backend";

const config = loadConfig(process.env);
if (!config.MEILI_URL) throw new Error("MEILI_URL is required");
const database = openDatabase({ databaseUrl: config.DATABASE_URL, sqlitePath: config.sqlitePath, pgSchema: config.PG_SCHEMA });
const transport = createMeiliTransport({ url: config.MEILI_URL, apiKey: config.MEILI_MASTER_KEY });
const placingLimit = Number(process.env.BENCH_PLACING_LIMIT ?? 0);
const api = await startApiServer(
  {
    db: database.db,
    search: createMeiliSearchBackend(transport, config.MEILI_INDEX),
    libraryNames: cachedLibraryNames(database.db),
    // The bench's patrons place far more than a real patron would; lift the per-patron rate limit.
    ...(placingLimit > 0 && { placingRateLimit: { limit: placingLimit, windowMs: 60_000 } }),
  },
  "127.0.0.1",
  0,
);
console.log(`READY ${api.url}`);
process.on("SIGTERM", () => void api.close().then(() => database.close()).then(() => process.exit(0)));
