/**
 * Searches for the API and, beside each, the same Meilisearch work sent straight to Meilisearch.
 *
 * "The same work" is whatever the search service sends for that query, recorded by running the
 * service itself against the bench index: one search, or two when no title has every word (the
 * "most of the words" fallback). A two-search query goes direct as one /multi-search request, so
 * the direct side never pays the API's second round trip.
 */
import type { MeiliTransport } from "@interlend/core/meili";
import { createMeiliSearchBackend } from "@interlend/search-api/services/meili-search-backend";
import { searchQuerySchema } from "@interlend/search-api/services/search-query";
import { searchUnionIndex, type SearchBackend } from "@interlend/search-api/services/search-service";
import type { BenchRequest } from "./stats.ts";

export interface PairedSearch {
  api: BenchRequest;
  direct: BenchRequest;
  /** Meilisearch searches the API made for it (1 or 2). */
  searches: number;
}

export async function pairedSearches(
  transport: MeiliTransport,
  index: string,
  masterKey: string,
  queries: Array<Record<string, string>>,
): Promise<PairedSearch[]> {
  const meili = createMeiliSearchBackend(transport, index);
  let sent: Array<Record<string, unknown>> = [];
  const recording: SearchBackend = {
    search: (body) => {
      sent.push(body);
      return meili.search(body);
    },
    healthy: () => meili.healthy(),
  };
  const headers = { authorization: `Bearer ${masterKey}` };
  const pairs: PairedSearch[] = [];
  for (const query of queries) {
    sent = [];
    await searchUnionIndex(recording, searchQuerySchema.parse(query));
    const direct: BenchRequest =
      sent.length === 1
        ? { method: "POST", path: `/indexes/${index}/search`, body: JSON.stringify(sent[0]), headers }
        : { method: "POST", path: "/multi-search", body: JSON.stringify({ queries: sent.map((body) => ({ indexUid: index, ...body })) }), headers };
    pairs.push({ api: { method: "GET", path: `/v1/search?${new URLSearchParams(query)}` }, direct, searches: sent.length });
  }
  return pairs;
}

/** Hands out the items in turn, round and round. */
export function cycle<T>(items: readonly T[]): () => T {
  let next = 0;
  return () => items[next++ % items.length]!;
}
