/**
 * The search backend on Meilisearch, over the keep-alive transport from @interlend/core/meili.
 */
import { MeiliApiError, MeiliUnreachableError, type MeiliTransport } from "@interlend/core/meili";
import { SearchUnavailableError, type MeiliSearchResult, type SearchBackend } from "./search-service.ts";

/** Errors that mean "the index is not there to answer", as opposed to a bad query. */
function isUnavailable(error: unknown): boolean {
  if (error instanceof MeiliUnreachableError) return true;
  if (error instanceof MeiliApiError) return error.status >= 500 || error.code === "index_not_found";
  return false;
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
