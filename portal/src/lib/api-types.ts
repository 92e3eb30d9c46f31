/** Shapes of the search-api responses the portal reads (see DESIGN.md, HTTP contract). */

/** RFC 9457 problem details, as every search-api error is sent. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: Array<{ path: string; message: string }>;
}

export interface SearchHit {
  id: string;
  title: string;
  subtitle?: string;
  authors: string[];
  year?: number;
  format?: string;
  language?: string;
  isbn: string[];
  /** Member codes holding the title. */
  libraries: string[];
  /** Member codes with a lendable copy on the shelf. */
  availableAt: string[];
  holdingsCount: number;
  availableCount: number;
  memberCount: number;
  /** HTML with only <mark> tags around escaped text; sanitise before rendering. */
  highlight?: { title?: string; authors?: string[] };
}

export type FacetCounts = Record<string, number>;

export interface SearchFacets {
  format: FacetCounts;
  language: FacetCounts;
  library: FacetCounts;
  available: FacetCounts;
}

export interface SearchResponse {
  hits: SearchHit[];
  total: number;
  page: number;
  limit: number;
  totalPages: number;
  facets: SearchFacets;
  /** False when no title has every word and the hits have most of them. */
  allWordsMatched: boolean;
  /** Member code → display name. */
  libraries: Record<string, string>;
}

export interface HoldingItem {
  barcode?: string;
  callNumber?: string;
  location?: string;
  status?: string;
  dueDate?: string;
  lendable?: boolean;
  statusAge?: string;
}

export interface HoldingGroup {
  library: string;
  libraryName?: string;
  items: HoldingItem[];
}

export interface UnionRecord {
  id: string;
  title: string;
  subtitle?: string;
  authors: string[];
  year?: number;
  format?: string;
  language?: string;
  publisher?: string;
  edition?: string;
  series?: string;
  subjects: string[];
  isbn: string[];
  issn: string[];
  holdings: HoldingGroup[];
  members: MemberRecord[];
}

/** The search parameters the portal sends; lists are OR-ed within a facet. */
export interface SearchParams {
  q: string;
  format: string[];
  language: string[];
  library: string[];
  /** true: only titles with a copy on the shelf somewhere. */
  available?: boolean;
  /** Publication year range, inclusive. */
  yearFrom?: number;
  yearTo?: number;
  /** Result order; absent means relevance. */
  sort?: SortOrder;
  page: number;
  limit: number;
}

/** The orders GET /v1/search can sort by. */
export const SORT_ORDERS = ["relevance", "newest", "oldest", "title"] as const;
export type SortOrder = (typeof SORT_ORDERS)[number];

/** One MARC field as the API sends it (control fields carry `value`, data fields `subfields`). */
export interface MarcFieldView {
  tag: string;
  ind1?: string;
  ind2?: string;
  value?: string;
  subfields?: Array<[string, string]>;
}

/** A member's record behind a union record. */
export interface MemberRecord {
  library: string;
  libraryName?: string;
  localId?: string;
  harvestedAt?: string;
  marc?: { leader?: string; fields: MarcFieldView[] };
}

/** One ranked copy: the request's rota, best first. */
export interface RankedCopy {
  rank: number;
  library: string;
  libraryName: string;
  callNumber?: string;
  location?: string;
  status?: string;
  dueDate?: string;
  tier?: string;
  reason: string;
}

export interface RankedCopies {
  ownShelf: { library: string; libraryName: string; callNumber?: string; location?: string } | null;
  copies: RankedCopy[];
}

export interface RequestEvent {
  at?: string;
  from?: string;
  to: string;
  actor?: string;
  reason?: string;
}

/** An interlibrary request as the portal shows it. */
export interface LoanRequest {
  id: string;
  state: string;
  recordId?: string;
  title?: string;
  authors: string[];
  serviceType?: string;
  pickupLocation?: string;
  borrower?: string;
  borrowerName?: string;
  lender?: string;
  lenderName?: string;
  patronName?: string;
  callNumber?: string;
  location?: string;
  barcode?: string;
  dueDate?: string;
  createdAt?: string;
  updatedAt?: string;
  events: RequestEvent[];
  allowedActions: string[];
}

/** What "Test connection" shows: the API's probe answer, flattened for display. */
export interface SourceTestView {
  ok: boolean;
  summary: string;
  details: Array<{ name: string; value: string }>;
}
