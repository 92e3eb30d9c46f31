import type { Kysely } from "kysely";
import type { Database } from "@interlend/db";

/** Member code → name, re-read at most every `ttlMs` so search responses don't hit the db each time. */
export function cachedLibraryNames(db: Kysely<Database>, ttlMs = 30_000): () => Promise<Record<string, string>> {
  let cached: { at: number; names: Promise<Record<string, string>> } | undefined;
  return () => {
    if (!cached || Date.now() - cached.at > ttlMs) {
      const names = db
        .selectFrom("libraries")
        .select(["code", "name"])
        .execute()
        .then((rows) => Object.fromEntries(rows.map((r) => [r.code, r.name])));
      cached = { at: Date.now(), names };
      names.catch(() => (cached = undefined));
    }
    return cached.names;
  };
}
