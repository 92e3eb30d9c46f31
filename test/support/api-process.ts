/**
 * The API as its own process, printing `READY <url>`: for the benches (so the load generator and
 * the server don't share an event loop) and for tests that kill it. Without MEILI_URL, search is
 * stubbed out (tests that only exercise requests). PLACING_LIMIT lifts the per-patron rate limit.
 */
import { loadConfig } from "@interlend/core/config";
import { createMeiliTransport } from "@interlend/core/meili";
import { openDatabase } from "@interlend/db";
import { cachedLibraryNames } from "@interlend/search-api/library-names";
import { startApiServer } from "@interlend/search-api/server";
import { createMeiliSearchBackend, unionSearchCache } from "@interlend/search-api/services/meili-search-backend";
import type { SearchBackend } from "@interlend/search-api/services/search-service";

const config = loadConfig(process.env);
const database = openDatabase({ databaseUrl: config.DATABASE_URL, sqlitePath: config.sqlitePath, pgSchema: config.PG_SCHEMA });
const transport = config.MEILI_URL ? createMeiliTransport({ url: config.MEILI_URL, apiKey: config.MEILI_MASTER_KEY }) : undefined;
const search: SearchBackend = transport
  ? createMeiliSearchBackend(transport, config.MEILI_INDEX)
  : { search: async () => ({ hits: [] }), healthy: async () => true };
const placingLimit = Number(process.env.PLACING_LIMIT ?? 0);
const api = await startApiServer(
  {
    db: database.db,
    search,
    searchCache: transport && unionSearchCache(transport, config.SEARCH_CACHE_SECONDS),
    libraryNames: cachedLibraryNames(database.db),
    // Bench and test patrons place far more than a real patron would.
    ...(placingLimit > 0 && { placingRateLimit: { limit: placingLimit, windowMs: 60_000 } }),
  },
  "127.0.0.1",
  0,
);
console.log(`READY ${api.url}`);
process.on("SIGTERM", () => void api.close().then(() => database.close()).then(() => process.exit(0)));
