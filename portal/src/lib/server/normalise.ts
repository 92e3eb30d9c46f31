import type {
  FacetCounts,
  HoldingGroup,
  HoldingItem,
  LoanRequest,
  MarcFieldView,
  MemberRecord,
  RankedCopies,
  RankedCopy,
  RequestEvent,
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

/** The fields a search hit and a union record describe a title with. */
function titleFields(v: Json) {
  return {
    title: str(v.title) ?? "",
    ...optional("subtitle", str(v.subtitle)),
    authors: strings(v.authors),
    ...optional("year", num(v.year)),
    ...optional("format", str(v.format)),
    ...optional("language", str(v.language)),
  };
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
    ...titleFields(v),
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
    allWordsMatched: v.allWordsMatched !== false,
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
    ...titleFields(v),
    ...optional("publisher", str(v.publisher)),
    ...optional("edition", str(v.edition)),
    ...optional("series", str(v.series)),
    subjects: strings(v.subjects),
    isbn: strings(v.isbns ?? v.isbn),
    issn: strings(v.issns ?? v.issn),
    holdings: Array.isArray(v.holdings) ? v.holdings.flatMap((g) => normaliseHoldingGroup(g) ?? []) : [],
    members: Array.isArray(v.members) ? v.members.flatMap((m) => normaliseMember(m) ?? []) : [],
  };
}

function normaliseMarcField(v: unknown): MarcFieldView | undefined {
  if (!isObject(v)) return undefined;
  const tag = str(v.tag);
  if (tag === undefined) return undefined;
  const value = str(v.value);
  if (value !== undefined) return { tag, value };
  const subfields = Array.isArray(v.subfields)
    ? v.subfields.flatMap((sf): Array<[string, string]> => {
        if (Array.isArray(sf)) {
          const code = str(sf[0]);
          const text = str(sf[1]);
          return code !== undefined && text !== undefined ? [[code, text]] : [];
        }
        if (isObject(sf)) {
          const code = str(sf.code);
          const text = str(sf.value);
          return code !== undefined && text !== undefined ? [[code, text]] : [];
        }
        return [];
      })
    : [];
  return { tag, ind1: str(v.ind1) ?? " ", ind2: str(v.ind2) ?? " ", subfields };
}

function normaliseMember(v: unknown): MemberRecord | undefined {
  if (!isObject(v)) return undefined;
  const library = str(v.library);
  if (library === undefined) return undefined;
  const marc = isObject(v.marc) && Array.isArray(v.marc.fields)
    ? {
        ...optional("leader", str(v.marc.leader)),
        fields: v.marc.fields.flatMap((f) => normaliseMarcField(f) ?? []),
      }
    : undefined;
  return {
    library,
    ...optional("libraryName", str(v.libraryName)),
    ...optional("localId", str(v.localId)),
    ...optional("harvestedAt", str(v.harvestedAt)),
    ...optional("marc", marc),
  };
}

function normaliseRankedCopy(v: unknown, i: number): RankedCopy | undefined {
  if (!isObject(v)) return undefined;
  const library = str(v.library);
  if (library === undefined) return undefined;
  return {
    rank: count(v.rank, i + 1) || i + 1,
    library,
    libraryName: str(v.libraryName) ?? library,
    ...optional("callNumber", str(v.callNumber)),
    ...optional("location", str(v.location)),
    ...optional("status", str(v.status)),
    ...optional("dueDate", str(v.dueDate)),
    ...optional("tier", str(v.tier)),
    reason: str(v.reason) ?? "",
  };
}

export function normaliseCopies(v: unknown): RankedCopies {
  if (!isObject(v)) throw new TypeError("copies response is not an object");
  const own = isObject(v.ownShelf) ? v.ownShelf : undefined;
  const ownLibrary = own ? str(own.library) : undefined;
  return {
    ownShelf:
      own && ownLibrary !== undefined
        ? {
            library: ownLibrary,
            libraryName: str(own.libraryName) ?? ownLibrary,
            ...optional("callNumber", str(own.callNumber)),
            ...optional("location", str(own.location)),
          }
        : null,
    copies: Array.isArray(v.copies) ? v.copies.flatMap((c, i) => normaliseRankedCopy(c, i) ?? []) : [],
  };
}

/** A code and a name from either "CODE" or {code, name}. */
function party(v: unknown): { code?: string; name?: string } {
  if (isObject(v)) return { ...optional("code", str(v.code)), ...optional("name", str(v.name)) };
  const code = str(v);
  return code === undefined ? {} : { code };
}

function normaliseEvent(v: unknown): RequestEvent | undefined {
  if (!isObject(v)) return undefined;
  const to = str(v.to) ?? str(v.toState) ?? str(v.state);
  if (to === undefined) return undefined;
  return {
    to,
    ...optional("at", str(v.at) ?? str(v.createdAt)),
    ...optional("from", str(v.from) ?? str(v.fromState)),
    ...optional("actor", str(v.actor)),
    ...optional("reason", str(v.reason)),
  };
}

export function normaliseRequest(v: unknown): LoanRequest | undefined {
  if (!isObject(v)) return undefined;
  const id = str(v.id);
  const state = str(v.state);
  if (id === undefined || state === undefined) return undefined;
  const record = isObject(v.record) ? v.record : {};
  const item = isObject(v.item) ? v.item : {};
  const borrower = party(v.borrower);
  const lender = party(v.lender);
  const patron = isObject(v.patron) ? v.patron : {};
  return {
    id,
    state,
    ...optional("recordId", str(v.recordId) ?? str(record.id) ?? str(v.clusterId)),
    ...optional("title", str(v.title) ?? str(record.title)),
    authors: strings(v.authors ?? record.authors),
    ...optional("serviceType", str(v.serviceType)),
    ...optional("pickupLocation", str(v.pickupLocation)),
    ...optional("borrower", borrower.code),
    ...optional("borrowerName", str(v.borrowerName) ?? borrower.name),
    ...optional("lender", lender.code),
    ...optional("lenderName", str(v.lenderName) ?? lender.name),
    ...optional("patronName", str(v.patronName) ?? str(patron.name)),
    ...optional("callNumber", str(v.callNumber) ?? str(item.callNumber)),
    ...optional("location", str(v.location) ?? str(item.location)),
    ...optional("barcode", str(v.barcode) ?? str(item.barcode)),
    ...optional("dueDate", str(v.dueDate)),
    ...optional("createdAt", str(v.createdAt) ?? str(v.placedAt)),
    ...optional("updatedAt", str(v.updatedAt)),
    events: Array.isArray(v.events) ? v.events.flatMap((e) => normaliseEvent(e) ?? []) : [],
    allowedActions: strings(v.allowedActions),
  };
}

/** Where request lists sit in the API's answers: {requests}, and the queues' named groups. */
const LIST_KEYS = ["requests", "items", "queue", "pullList", "awaitingReturn", "incoming", "onLoan", "overdue"] as const;

/** The requests of a list answer (a bare array, or an object of named lists), each once. */
export function normaliseRequestList(v: unknown): LoanRequest[] {
  let lists: unknown[][];
  if (Array.isArray(v)) lists = [v];
  else if (isObject(v)) lists = LIST_KEYS.flatMap((key) => (Array.isArray(v[key]) ? [v[key] as unknown[]] : []));
  else lists = [];
  if (lists.length === 0) throw new TypeError("request list is not an array");
  const seen = new Set<string>();
  return lists.flat().flatMap((r) => {
    const request = normaliseRequest(r);
    if (!request || seen.has(request.id)) return [];
    seen.add(request.id);
    return [request];
  });
}
