import type { LiveAvailability, LiveItemStatus } from "./types.ts";

export const LIVE_TIMEOUT_MS = 2_000;
/** A failed or timed-out lookup is not retried for this long (capped by the TTL). */
const FAILURE_TTL_MS = 30_000;

export interface LiveAnswer {
  /** Barcode or call number → status; undefined when the member has no live source. */
  statuses: Map<string, LiveItemStatus> | undefined;
  checkedAt: number;
}

interface CacheEntry {
  answer?: LiveAnswer;
  /** When the lookup finished (successfully or not); undefined while it runs. */
  settledAt?: number;
  pending?: Promise<LiveAnswer | undefined>;
}

/** Whether a settled entry may still be used under the current TTL. */
function fresh(entry: CacheEntry, now: number, ttlMs: number): boolean {
  if (entry.pending) return true;
  const lifetime = entry.answer ? ttlMs : Math.min(ttlMs, FAILURE_TTL_MS);
  return entry.settledAt !== undefined && now - entry.settledAt < lifetime;
}

const caches = new WeakMap<LiveAvailability, Map<string, CacheEntry>>();

function cacheFor(live: LiveAvailability): Map<string, CacheEntry> {
  let cache = caches.get(live);
  if (!cache) caches.set(live, (cache = new Map()));
  return cache;
}

/** One lookup bounded by `timeoutMs` whether or not the implementation honours the signal. */
async function checkOnce(
  live: LiveAvailability,
  libraryId: number,
  clusterId: number,
  timeoutMs: number,
): Promise<LiveAnswer | undefined> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => {
      controller.abort(new Error(`live availability timed out after ${timeoutMs} ms`));
      resolve(undefined);
    }, timeoutMs);
  });
  try {
    const statuses = await Promise.race([live.check(libraryId, clusterId, controller.signal), timeout]);
    if (controller.signal.aborted) return undefined;
    return { statuses, checkedAt: Date.now() };
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Asks each member about one title, all at once, each bounded by `timeoutMs`. Answers are cached
 * for `ttlMs` (failures and timeouts for at most 30 s, so a down server does not cost every page
 * two seconds); concurrent callers share one lookup. Members that fail are simply absent from the
 * result: their harvested status stands.
 */
export async function lookUpLive(
  live: LiveAvailability,
  libraryIds: readonly number[],
  clusterId: number,
  options: { ttlMs: number; timeoutMs?: number },
): Promise<Map<number, LiveAnswer>> {
  const cache = cacheFor(live);
  const now = Date.now();
  const timeoutMs = options.timeoutMs ?? LIVE_TIMEOUT_MS;
  const answers = await Promise.all(
    libraryIds.map(async (libraryId) => {
      const key = `${libraryId}:${clusterId}`;
      let entry = cache.get(key);
      if (!entry || !fresh(entry, now, options.ttlMs)) {
        const created: CacheEntry = {};
        created.pending = checkOnce(live, libraryId, clusterId, timeoutMs).then((answer) => {
          created.answer = answer;
          created.settledAt = Date.now();
          created.pending = undefined;
          return answer;
        });
        cache.set(key, created);
        entry = created;
      }
      const answer = entry.pending ? await entry.pending : entry.answer;
      return [libraryId, answer] as const;
    }),
  );
  // Keep the cache from growing without bound on a busy pod.
  if (cache.size > 10_000) {
    for (const [key, entry] of cache) if (!fresh(entry, now, options.ttlMs)) cache.delete(key);
  }
  const result = new Map<number, LiveAnswer>();
  for (const [libraryId, answer] of answers) if (answer) result.set(libraryId, answer);
  return result;
}
