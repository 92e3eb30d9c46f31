/** The API in its own process on SQLITE_PATH (search stubbed out: only requests matter here), for the SIGKILL test. */
import { openDatabase } from "@interlend/db";
import { cachedLibraryNames } from "@interlend/search-api/library-names";
import { startApiServer } from "@interlend/search-api/server";

const database = openDatabase({ sqlitePath: process.env.SQLITE_PATH });
const api = await startApiServer(
  {
    db: database.db,
    search: { search: async () => ({ hits: [] }), healthy: async () => true },
    libraryNames: cachedLibraryNames(database.db),
    placingRateLimit: { limit: 100_000, windowMs: 60_000 },
  } as Parameters<typeof startApiServer>[0],
  "127.0.0.1",
  0,
);
console.log(`READY ${api.url}`);
