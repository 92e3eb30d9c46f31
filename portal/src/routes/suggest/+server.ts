import { json } from "@sveltejs/kit";
import { searchCatalogue } from "$lib/server/api";
import { suggestionTitles, SUGGEST_LIMIT, SUGGEST_MIN_CHARS } from "$lib/search/suggest";
import type { RequestHandler } from "./$types";

/**
 * Titles for the search box's suggestions: GET /suggest?q=… asks the API (server-side, as every
 * portal call does) for the first few matches and answers `{ q, suggestions: string[] }`. A failing
 * API gives an empty list: suggestions are a nicety, never an error the visitor has to read.
 */
export const GET: RequestHandler = async ({ url, fetch, setHeaders }) => {
  const q = (url.searchParams.get("q") ?? "").trim().slice(0, 200);
  if (q.length < SUGGEST_MIN_CHARS) return json({ q, suggestions: [] });
  try {
    const response = await searchCatalogue(fetch, { q, format: [], language: [], library: [], page: 1, limit: SUGGEST_LIMIT });
    setHeaders({ "cache-control": "public, max-age=60" });
    return json({ q, suggestions: suggestionTitles(response.hits) });
  } catch (e) {
    console.warn(`[portal] suggestions for ${JSON.stringify(q)} failed:`, e instanceof Error ? e.message : e);
    return json({ q, suggestions: [] }, { status: 502 });
  }
};
