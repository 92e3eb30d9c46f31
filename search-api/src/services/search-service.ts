import { FACET_GROUPS, type FacetGroup } from "@interlend/core/meili/union-index";
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
  /** False when no title has every word of the query and the hits are titles with most of them. */
  allWordsMatched: boolean;
}

function highlightOf(formatted: Record<string, unknown> | undefined) {
  if (!formatted) return undefined;
  const title = typeof formatted.title === "string" ? toHighlightHtml(formatted.title) : undefined;
  const authors = Array.isArray(formatted.authors)
    ? formatted.authors.filter((a): a is string => typeof a === "string").map(toHighlightHtml)
    : undefined;
  return { title, authors };
}

/** Meilisearch's counts of `group:value` facet values, split into their groups. */
function facetsByGroup(counts: Record<string, number>): Record<FacetGroup, Record<string, number>> {
  const facets = Object.fromEntries(FACET_GROUPS.map((group) => [group, {}])) as Record<FacetGroup, Record<string, number>>;
  for (const [key, count] of Object.entries(counts)) {
    const colon = key.indexOf(":");
    const group = facets[key.slice(0, colon) as FacetGroup];
    if (group) group[key.slice(colon + 1)] = count;
  }
  return facets;
}

const hasSeveralWords = (q: unknown) => typeof q === "string" && q.trim().split(/\s+/).length > 1;

/**
 * Searches for titles with every word of the query; when there is none, for titles with most of
 * them (Meilisearch drops words from the end), and says so. Matching every word first is what
 * patrons expect of a catalogue, and it keeps the candidates (and the facet counts over them) small.
 */
export async function searchUnionIndex(backend: SearchBackend, query: SearchQuery): Promise<SearchResponse> {
  const body = buildMeiliSearch(query);
  let result = await backend.search(body);
  let allWordsMatched = true;
  if ((result.totalHits ?? 0) === 0 && hasSeveralWords(body.q)) {
    result = await backend.search({ ...body, matchingStrategy: "last" });
    allWordsMatched = result.totalHits === 0;
  }
  return {
    hits: result.hits.map(({ _formatted, ...hit }) => ({ ...hit, highlight: highlightOf(_formatted) })),
    total: result.totalHits ?? 0,
    page: result.page ?? query.page,
    limit: query.limit,
    totalPages: result.totalPages ?? 0,
    facets: facetsByGroup(result.facetDistribution?.facetValues ?? {}),
    allWordsMatched,
  };
}

/** The index cannot be reached; the API answers 503 and says so. */
export class SearchUnavailableError extends Error {}
