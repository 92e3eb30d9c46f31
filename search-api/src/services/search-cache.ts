/**
 * Answers to identical searches kept for a short while, as the JSON text the API sends: patrons
 * repeat searches (the same words, a member's "newest" list, the next visitor's same query) and a
 * faceted search is most of what Meilisearch spends its CPU on. An answer is kept at most `ttlMs`
 * and never past a change of the index: before an answer is served, the index version
 * (Meilisearch's latest finished task) is checked when the last check is older than `recheckMs`.
 * A version that cannot be read empties the cache, so a dead index still answers 503.
 */

export interface SearchCacheOptions {
  ttlMs: number;
  /** How stale the version check may be (default 250 ms). */
  recheckMs?: number;
  /** Most answers kept, least recently used dropped first (default 1,000: ~10 MB of JSON text). */
  maxEntries?: number;
  /** Something that changes whenever the index does; rejects when the index cannot be reached. */
  indexVersion(): Promise<unknown>;
}

export interface SearchCache {
  /** The kept answer for `key`, if it is still good. */
  get(key: string): Promise<string | undefined>;
  /** Which index version answers belong to now; read it before asking the index. */
  readonly generation: number;
  /** Keeps an answer computed while `generation` was current (dropped if the index changed since). */
  set(key: string, answer: string, generation: number): void;
}

export function createSearchCache(options: SearchCacheOptions): SearchCache {
  const recheckMs = options.recheckMs ?? 250;
  const maxEntries = options.maxEntries ?? 1_000;
  const entries = new Map<string, { at: number; answer: string }>();
  let version: unknown;
  let checkedAt = 0;
  let checking: Promise<void> | undefined;
  let generation = 0;
  const clear = () => {
    entries.clear();
    generation++;
  };

  const checkVersion = async () => {
    try {
      const now = await options.indexVersion();
      if (now !== version) clear();
      version = now;
    } catch {
      clear();
      version = undefined;
    }
    checkedAt = Date.now();
  };

  return {
    get generation() {
      return generation;
    },
    async get(key) {
      if (Date.now() - checkedAt >= recheckMs) await (checking ??= checkVersion().finally(() => (checking = undefined)));
      const entry = entries.get(key);
      if (!entry || Date.now() - entry.at >= options.ttlMs) return undefined;
      entries.delete(key);
      entries.set(key, entry);
      return entry.answer;
    },
    set(key, answer, answeredIn) {
      if (answeredIn !== generation) return;
      entries.delete(key);
      entries.set(key, { at: Date.now(), answer });
      if (entries.size > maxEntries) entries.delete(entries.keys().next().value!);
    },
  };
}
