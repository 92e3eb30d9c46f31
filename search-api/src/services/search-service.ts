import { buildMeiliSearch, toHighlightHtml, type SearchQuery } from "./search-query.ts";

/** The slice of Meilisearch's search response we use. */
export interface MeiliSearchResult {
  hits: Array<Record<string, unknown> & { _formatted?: Record<string, unknown> }>;
  totalHits?: number;
  totalPages?: number;
  page?: number;
  hitsPerPage?: number;
  facetDistribution?: Record<string, Record<string, number>>;
}

/** How the API reaches the union index; Meilisearch over keep-alive HTTP in production. */
export interface SearchBackend {
  search(body: Record<string, unknown>): Promise<MeiliSearchResult>;
  healthy(): Promise<boolean>;
}

export interface SearchResponse {
  hits: Array<Record<string, unknown>>;
  total: number;
  page: number;
  limit: number;
  totalPages: number;
  facets: Record<string, Record<string, number>>;
}

function highlightOf(formatted: Record<string, unknown> | undefined) {
  if (!formatted) return undefined;
  const title = typeof formatted.title === "string" ? toHighlightHtml(formatted.title) : undefined;
  const authors = Array.isArray(formatted.authors)
    ? formatted.authors.filter((a): a is string => typeof a === "string").map(toHighlightHtml)
    : undefined;
  return { title, authors };
}

export async function searchUnionIndex(backend: SearchBackend, query: SearchQuery): Promise<SearchResponse> {
  const result = await backend.search(buildMeiliSearch(query));
  const facets = result.facetDistribution ?? {};
  return {
    hits: result.hits.map(({ _formatted, ...hit }) => ({ ...hit, highlight: highlightOf(_formatted) })),
    total: result.totalHits ?? 0,
    page: result.page ?? query.page,
    limit: query.limit,
    totalPages: result.totalPages ?? 0,
    facets: {
      format: facets.format ?? {},
      language: facets.language ?? {},
      library: facets.libraries ?? {},
      available: facets.available ?? {},
    },
  };
}

/** The index cannot be reached; the API answers 503 and says so. */
export class SearchUnavailableError extends Error {}
