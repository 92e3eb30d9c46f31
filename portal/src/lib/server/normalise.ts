import type {
  FacetCounts,
  HoldingGroup,
  HoldingItem,
  SearchHit,
  SearchResponse,
  UnionRecord,
} from "$lib/api-types";

/**
 * Defensive readers for API JSON: the page must render (with sensible gaps) even if a field is
 * missing or of the wrong type, rather than fail on a stray null.
 */

type Json = Record<string, unknown>;

function isObject(v: unknown): v is Json {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function str(v: unknown): string | undefined {
  if (typeof v === "string") return v;
  if (typeof v === "number" && Number.isFinite(v)) return String(v);
  return undefined;
}

function num(v: unknown): number | undefined {
  return typeof v === "number" && Number.isFinite(v) ? v : undefined;
}

function count(v: unknown, fallback = 0): number {
  const n = num(v);
  return n === undefined || n < 0 ? fallback : Math.floor(n);
}

function strings(v: unknown): string[] {
  if (typeof v === "string") return [v];
  if (!Array.isArray(v)) return [];
  return v.flatMap((x) => {
    const s = str(x);
    return s === undefined ? [] : [s];
  });
}

function facetCounts(v: unknown): FacetCounts {
  const out: FacetCounts = {};
  if (!isObject(v)) return out;
  for (const [key, value] of Object.entries(v)) {
    const n = num(value);
    if (n !== undefined) out[key] = n;
  }
  return out;
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(v)) return out;
  for (const [key, value] of Object.entries(v)) {
    if (typeof value === "string") out[key] = value;
  }
  return out;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

export function normaliseHit(v: unknown): SearchHit | undefined {
  if (!isObject(v)) return undefined;
  const id = str(v.id);
  if (id === undefined || id === "") return undefined;
  const libraries = strings(v.libraries);
  const availableAt = strings(v.availableAt);
  const highlight = isObject(v.highlight)
    ? {
        ...optional("title", str(v.highlight.title)),
        ...(Array.isArray(v.highlight.authors) ? { authors: strings(v.highlight.authors) } : {}),
      }
    : undefined;
  return {
    id,
    title: str(v.title) ?? "",
    ...optional("subtitle", str(v.subtitle)),
    authors: strings(v.authors),
    ...optional("year", num(v.year)),
    ...optional("format", str(v.format)),
    ...optional("language", str(v.language)),
    isbn: strings(v.isbn),
    libraries,
    availableAt,
    holdingsCount: count(v.holdingsCount),
    availableCount: count(v.availableCount),
    memberCount: count(v.memberCount, libraries.length),
    ...optional("highlight", highlight),
  };
}

export function normaliseSearchResponse(
  v: unknown,
  requested: { page: number; limit: number },
): SearchResponse {
  if (!isObject(v) || !Array.isArray(v.hits)) throw new TypeError("search response has no hits array");
  const hits = v.hits.flatMap((h) => normaliseHit(h) ?? []);
  const total = count(v.total, hits.length);
  const limit = count(v.limit, requested.limit) || requested.limit;
  const facets = isObject(v.facets) ? v.facets : {};
  return {
    hits,
    total,
    page: count(v.page, requested.page) || requested.page,
    limit,
    totalPages: count(v.totalPages, Math.ceil(total / limit)),
    facets: {
      format: facetCounts(facets.format),
      language: facetCounts(facets.language),
      library: facetCounts(facets.library ?? facets.libraries),
      available: facetCounts(facets.available),
    },
    libraries: stringMap(v.libraries),
  };
}

function normaliseItem(v: unknown): HoldingItem | undefined {
  if (!isObject(v)) return undefined;
  return {
    ...optional("barcode", str(v.barcode)),
    ...optional("callNumber", str(v.callNumber)),
    ...optional("location", str(v.location)),
    ...optional("status", str(v.status)),
    ...optional("dueDate", str(v.dueDate)),
    ...optional("lendable", typeof v.lendable === "boolean" ? v.lendable : undefined),
    ...optional("statusAge", str(v.statusAge)),
  };
}

function normaliseHoldingGroup(v: unknown): HoldingGroup | undefined {
  if (!isObject(v)) return undefined;
  const library = str(v.library);
  if (library === undefined) return undefined;
  return {
    library,
    ...optional("libraryName", str(v.libraryName)),
    items: Array.isArray(v.items) ? v.items.flatMap((i) => normaliseItem(i) ?? []) : [],
  };
}

export function normaliseRecord(v: unknown): UnionRecord {
  if (!isObject(v)) throw new TypeError("record response is not an object");
  const id = str(v.id);
  if (id === undefined) throw new TypeError("record response has no id");
  return {
    id,
    title: str(v.title) ?? "",
    ...optional("subtitle", str(v.subtitle)),
    authors: strings(v.authors),
    ...optional("year", num(v.year)),
    ...optional("format", str(v.format)),
    ...optional("language", str(v.language)),
    ...optional("publisher", str(v.publisher)),
    ...optional("edition", str(v.edition)),
    ...optional("series", str(v.series)),
    subjects: strings(v.subjects),
    isbn: strings(v.isbns ?? v.isbn),
    issn: strings(v.issns ?? v.issn),
    holdings: Array.isArray(v.holdings) ? v.holdings.flatMap((g) => normaliseHoldingGroup(g) ?? []) : [],
  };
}
