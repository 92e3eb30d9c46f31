import { z } from "zod";
import { facetValue, type FacetGroup } from "@interlend/core/meili/union-index";

const list = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : v.split(",")).map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.string().max(64).regex(/^[\p{L}\p{N}_.-]+$/u, "letters, digits, _ . - only")).max(50));

const yesNo = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");

const year = z.coerce.number().int().min(0).max(3000);

export const searchQuerySchema = z
  .object({
    q: z.string().max(500).default(""),
    format: list.optional(),
    language: list.optional(),
    library: list.optional(),
    available: yesNo.optional(),
    yearFrom: year.optional(),
    yearTo: year.optional(),
    sort: z.enum(["relevance", "newest", "oldest", "title"]).default("relevance"),
    page: z.coerce.number().int().min(1).max(500).default(1),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

export type SearchQuery = z.infer<typeof searchQuerySchema>;

/** Control characters mark highlights so the text can be HTML-escaped before <mark> goes in. */
export const HIGHLIGHT_START = "\u0001";
export const HIGHLIGHT_END = "\u0002";

const ISBN_LIKE = /^(97[89])?[\d-]{9,16}[\dXx]$/;

function quote(value: string): string {
  return `"${value.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
}

function anyOf(group: FacetGroup, values: string[] | undefined): string | undefined {
  if (!values || values.length === 0) return undefined;
  return `facetValues IN [${values.map((v) => quote(facetValue(group, v))).join(", ")}]`;
}

/** An ISBN typed in the box is an exact lookup: hyphens dropped, ISBN-10 turned into ISBN-13. */
export function isbnFromQuery(q: string): string | undefined {
  const compact = q.trim().replace(/[\s-]/g, "");
  if (!ISBN_LIKE.test(q.trim()) || !/^(\d{9}[\dXx]|\d{13})$/.test(compact)) return undefined;
  if (compact.length === 13) return compact;
  const body = `978${compact.slice(0, 9)}`;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body[i]) * (i % 2 ? 3 : 1);
  return body + String((10 - (sum % 10)) % 10);
}


/** The Meilisearch search body for a validated query; pure, so it can be fuzzed. */
export function buildMeiliSearch(query: SearchQuery): Record<string, unknown> {
  const filters: string[] = [];
  let q = query.q.trim();
  const isbn = isbnFromQuery(q);
  if (isbn) {
    filters.push(`isbn = ${quote(isbn)}`);
    q = "";
  }
  for (const clause of [
    anyOf("format", query.format),
    anyOf("language", query.language),
    anyOf("library", query.library),
    anyOf("available", query.available === undefined ? undefined : [String(query.available)]),
  ]) {
    if (clause) filters.push(clause);
  }
  if (query.yearFrom !== undefined) filters.push(`year >= ${query.yearFrom}`);
  if (query.yearTo !== undefined) filters.push(`year <= ${query.yearTo}`);
  const sort =
    query.sort === "newest" ? ["year:desc"] : query.sort === "oldest" ? ["year:asc"] : query.sort === "title" ? ["titleSort:asc"] : undefined;
  return {
    q,
    // Every word, as catalogues do; searchUnionIndex falls back to "most of the words" when none has all.
    matchingStrategy: "all",
    filter: filters,
    facets: ["facetValues"],
    page: query.page,
    hitsPerPage: query.limit,
    attributesToRetrieve: [
      "id", "title", "subtitle", "authors", "year", "format", "language", "isbn", "issn",
      "libraries", "availableAt", "holdingsCount", "availableCount", "memberCount",
    ],
    attributesToHighlight: ["title", "authors"],
    highlightPreTag: HIGHLIGHT_START,
    highlightPostTag: HIGHLIGHT_END,
    ...(sort && { sort }),
  };
}

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
  [HIGHLIGHT_START]: "<mark>",
  [HIGHLIGHT_END]: "</mark>",
};
const ESCAPED_OR_MARKER = new RegExp(`[&<>"'${HIGHLIGHT_START}${HIGHLIGHT_END}]`, "g");

/** Escapes the text and turns the highlight markers into <mark> tags, in one pass. */
export function toHighlightHtml(text: string): string {
  return text.replace(ESCAPED_OR_MARKER, (c) => HTML_ESCAPES[c]!);
}
