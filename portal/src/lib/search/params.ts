/**
 * The search state carried in the portal's URL (?q=&format=&language=&library=&available=&page=),
 * parsed leniently: a bad value is dropped rather than turned into an error page, so a shared or
 * hand-edited link still shows something useful.
 */

import { SORT_ORDERS, type SearchParams, type SortOrder } from "../api-types";

export const FACET_FIELDS = ["format", "language", "library"] as const;
export type FacetField = (typeof FACET_FIELDS)[number];

/** Results per page. */
export const PAGE_SIZE = 20;
/** Deep paging is capped (the API refuses pages past 500). */
export const MAX_PAGE = 500;
const MAX_QUERY_LENGTH = 500;
const MAX_VALUES = 50;
const FACET_VALUE = /^[\p{L}\p{N}_.-]{1,64}$/u;

/** The search parameters without the page size, which the portal fixes. */
export type SearchState = Omit<SearchParams, "limit">;

export const MIN_YEAR = 0;
export const MAX_YEAR = 3000;

function parseYear(value: string | null): number | undefined {
  if (value === null || !/^\s*\d{1,4}\s*$/.test(value)) return undefined;
  const n = Number(value);
  return n >= MIN_YEAR && n <= MAX_YEAR ? n : undefined;
}

function facetValues(params: URLSearchParams, field: FacetField): string[] {
  const values = params
    .getAll(field)
    .flatMap((v) => v.split(","))
    .map((v) => v.trim())
    .filter((v) => FACET_VALUE.test(v));
  return [...new Set(values)].slice(0, MAX_VALUES);
}

function parseAvailable(value: string | null): boolean | undefined {
  switch (value?.trim().toLowerCase()) {
    case "true":
    case "1":
    case "yes":
      return true;
    case "false":
    case "0":
    case "no":
      return false;
    default:
      return undefined;
  }
}

function parseSort(value: string | null): SortOrder | undefined {
  const v = value?.trim().toLowerCase();
  // Relevance is the default, so it is left out of the state (and the URL).
  return v && v !== "relevance" && (SORT_ORDERS as readonly string[]).includes(v) ? (v as SortOrder) : undefined;
}

function parsePage(value: string | null): number {
  const n = Number.parseInt(value ?? "", 10);
  if (!Number.isFinite(n) || n < 1) return 1;
  return Math.min(n, MAX_PAGE);
}

export function parseSearchState(params: URLSearchParams): SearchState {
  const available = parseAvailable(params.get("available"));
  let yearFrom = parseYear(params.get("yearFrom"));
  let yearTo = parseYear(params.get("yearTo"));
  // A range typed backwards means the same years.
  if (yearFrom !== undefined && yearTo !== undefined && yearFrom > yearTo) [yearFrom, yearTo] = [yearTo, yearFrom];
  const sort = parseSort(params.get("sort"));
  return {
    q: (params.get("q") ?? "").trim().slice(0, MAX_QUERY_LENGTH),
    format: facetValues(params, "format"),
    language: facetValues(params, "language"),
    library: facetValues(params, "library"),
    ...(available !== undefined && { available }),
    ...(yearFrom !== undefined && { yearFrom }),
    ...(yearTo !== undefined && { yearTo }),
    ...(sort !== undefined && { sort }),
    page: parsePage(params.get("page")),
  };
}

/** The portal URL's query string for a state; defaults (empty q, page 1) are left out. */
export function toQueryString(state: SearchState): string {
  const qs = new URLSearchParams();
  if (state.q) qs.set("q", state.q);
  for (const field of FACET_FIELDS) for (const v of state[field]) qs.append(field, v);
  if (state.available !== undefined) qs.set("available", String(state.available));
  if (state.yearFrom !== undefined) qs.set("yearFrom", String(state.yearFrom));
  if (state.yearTo !== undefined) qs.set("yearTo", String(state.yearTo));
  if (state.sort !== undefined && state.sort !== "relevance") qs.set("sort", state.sort);
  if (state.page > 1) qs.set("page", String(state.page));
  const s = qs.toString();
  return s ? `?${s}` : "";
}

/** A link to the search page (at `path`) for a state. */
export function searchHref(state: SearchState, path: string): string {
  return `${path}${toQueryString(state)}`;
}

export function hasFilters(state: SearchState): boolean {
  return (
    FACET_FIELDS.some((f) => state[f].length > 0) ||
    state.available !== undefined ||
    state.yearFrom !== undefined ||
    state.yearTo !== undefined
  );
}

/** Adds or removes one facet value; any change of filters goes back to page 1. */
export function toggleFacet(state: SearchState, field: FacetField, value: string): SearchState {
  const current = state[field];
  const next = current.includes(value) ? current.filter((v) => v !== value) : [...current, value];
  return { ...state, [field]: next, page: 1 };
}

export function toggleAvailable(state: SearchState): SearchState {
  const { available, ...rest } = state;
  return available === true ? { ...rest, page: 1 } : { ...rest, available: true, page: 1 };
}

export function clearAvailable(state: SearchState): SearchState {
  const { available: _available, ...rest } = state;
  return { ...rest, page: 1 };
}

export function withoutFilters(state: SearchState): SearchState {
  return { q: state.q, format: [], language: [], library: [], ...(state.sort !== undefined && { sort: state.sort }), page: 1 };
}

/** Another order starts again at page 1. */
export function withSort(state: SearchState, sort: SortOrder): SearchState {
  const { sort: _sort, ...rest } = state;
  return sort === "relevance" ? { ...rest, page: 1 } : { ...rest, sort, page: 1 };
}

/** Hidden form fields that keep the sort order when a new query is typed. */
export function sortFields(state: SearchState): Array<{ name: string; value: string }> {
  return state.sort !== undefined && state.sort !== "relevance" ? [{ name: "sort", value: state.sort }] : [];
}

export function withoutYears(state: SearchState): SearchState {
  const { yearFrom: _from, yearTo: _to, ...rest } = state;
  return { ...rest, page: 1 };
}

export function withPage(state: SearchState, page: number): SearchState {
  return { ...state, page: Math.max(1, Math.min(page, MAX_PAGE)) };
}

/** Hidden form fields that keep the current filters when a new query is typed. */
export function filterFields(state: SearchState): Array<{ name: string; value: string }> {
  const fields: Array<{ name: string; value: string }> = FACET_FIELDS.flatMap((field) =>
    state[field].map((value) => ({ name: field, value })),
  );
  if (state.available !== undefined) fields.push({ name: "available", value: String(state.available) });
  if (state.yearFrom !== undefined) fields.push({ name: "yearFrom", value: String(state.yearFrom) });
  if (state.yearTo !== undefined) fields.push({ name: "yearTo", value: String(state.yearTo) });
  return fields;
}
