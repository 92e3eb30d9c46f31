/**
 * The search backend on Meilisearch, over the keep-alive transport from @interlend/core/meili.
 */
import { MeiliApiError, MeiliUnreachableError, type MeiliTransport } from "@interlend/core/meili";
import { createSearchCache, type SearchCache } from "./search-cache.ts";
import { SearchUnavailableError, type MeiliSearchResult, type SearchBackend } from "./search-service.ts";

/** Errors that mean "the index is not there to answer", as opposed to a bad query. */
function isUnavailable(error: unknown): boolean {
  if (error instanceof MeiliUnreachableError) return true;
  if (error instanceof MeiliApiError) return error.status >= 500 || error.code === "index_not_found";
  return false;
}

/**
 * What changes whenever any index does: the uid of Meilisearch's latest finished task (document
 * batches, deletions, settings, index swaps). For the search cache.
 */
export function meiliIndexVersion(transport: MeiliTransport): () => Promise<number | null> {
  return async () => {
    const page = await transport.request<{ results: Array<{ uid: number }> }>("GET", "/tasks?statuses=succeeded,failed,canceled&limit=1");
    return page.results[0]?.uid ?? null;
  };
}

export function createMeiliSearchBackend(transport: MeiliTransport, uid: string): SearchBackend {
  const searchPath = `/indexes/${encodeURIComponent(uid)}/search`;
  return {
    async search(body) {
      try {
        return await transport.request<MeiliSearchResult>("POST", searchPath, body);
      } catch (error) {
        if (isUnavailable(error)) {
          throw new SearchUnavailableError(`Search is unavailable: ${(error as Error).message}`, { cause: error });
        }
        throw error;
      }
    },
    async healthy() {
      try {
        const health = await transport.request<{ status?: string }>("GET", "/health");
        return health?.status === "available";
      } catch {
        return false;
      }
    },
  };
}

/** The API's cache of search answers for `cacheSeconds` (undefined when 0), emptied when the index changes. */
export function unionSearchCache(transport: MeiliTransport, cacheSeconds: number): SearchCache | undefined {
  return cacheSeconds > 0 ? createSearchCache({ ttlMs: cacheSeconds * 1000, indexVersion: meiliIndexVersion(transport) }) : undefined;
}
