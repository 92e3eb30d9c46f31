import type { FacetCounts, SearchResponse } from "$lib/api-types";
import { formatLabel, languageLabel, t } from "$lib/i18n";
import {
  FACET_FIELDS,
  MAX_PAGE,
  clearAvailable,
  searchHref,
  toggleAvailable,
  toggleFacet,
  withPage,
  withoutYears,
  type FacetField,
  type SearchState,
} from "./params";

/** Everything the search page shows, with every link already built. */

export interface FacetEntry {
  value: string;
  label: string;
  count?: number;
  selected: boolean;
  href: string;
}

export interface FacetGroup {
  id: FacetField | "available";
  heading: string;
  entries: FacetEntry[];
}

export interface Chip {
  text: string;
  href: string;
}

export type PageLink =
  { kind: "page"; page: number; href: string; current: boolean } | { kind: "gap"; key: string };

export interface Pager {
  current: number;
  last: number;
  previous?: string;
  next?: string;
  links: PageLink[];
}

const FACET_HEADINGS = {
  format: () => t("facets.format"),
  language: () => t("facets.language"),
  library: () => t("facets.library"),
} as const satisfies Record<FacetField, () => string>;

export function facetValueLabel(field: FacetField, value: string, libraries: Record<string, string>): string {
  switch (field) {
    case "format":
      return formatLabel(value);
    case "language":
      return languageLabel(value);
    case "library":
      return libraries[value] ?? value;
  }
}

function sortedCounts(counts: FacetCounts): Array<[string, number]> {
  return Object.entries(counts)
    .filter(([, n]) => n > 0)
    .sort(([a, x], [b, y]) => y - x || a.localeCompare(b));
}

export function facetGroups(state: SearchState, response: SearchResponse, path: string): FacetGroup[] {
  const groups: FacetGroup[] = FACET_FIELDS.map((field) => {
    const heading = FACET_HEADINGS[field]();
    const counts = response.facets[field];
    const seen = new Set<string>();
    const entries: FacetEntry[] = [];
    const entry = (value: string, count: number | undefined): FacetEntry => {
      const selected = state[field].includes(value);
      const label = facetValueLabel(field, value, response.libraries);
      return {
        value,
        label,
        ...(count !== undefined && { count }),
        selected,
        href: searchHref(toggleFacet(state, field, value), path),
      };
    };
    // Selected values first, so they stay visible (and removable) whatever their count.
    for (const value of state[field]) {
      seen.add(value);
      entries.push(entry(value, counts[value]));
    }
    for (const [value, n] of sortedCounts(counts)) {
      if (!seen.has(value)) entries.push(entry(value, n));
    }
    return { id: field, heading, entries };
  });

  const availableCount = response.facets.available["true"];
  const availableSelected = state.available === true;
  if (availableSelected || (availableCount !== undefined && availableCount > 0)) {
    const heading = t("facets.availability");
    const label = t("facets.availableNow");
    groups.push({
      id: "available",
      heading,
      entries: [
        {
          value: "true",
          label,
          ...(availableCount !== undefined && { count: availableCount }),
          selected: availableSelected,
          href: searchHref(toggleAvailable(state), path),
        },
      ],
    });
  }
  return groups.filter((g) => g.entries.length > 0);
}

export function filterChips(state: SearchState, libraries: Record<string, string>, path: string): Chip[] {
  const chips: Chip[] = [];
  for (const field of FACET_FIELDS) {
    const heading = FACET_HEADINGS[field]();
    for (const value of state[field]) {
      const label = facetValueLabel(field, value, libraries);
      chips.push({ text: `${heading}: ${label}`, href: searchHref(toggleFacet(state, field, value), path) });
    }
  }
  if (state.available !== undefined) {
    const text = state.available ? t("facets.availableNow") : t("facets.notAvailableNow");
    chips.push({ text, href: searchHref(clearAvailable(state), path) });
  }
  if (state.yearFrom !== undefined || state.yearTo !== undefined) {
    const text =
      state.yearFrom !== undefined && state.yearTo !== undefined
        ? state.yearFrom === state.yearTo
          ? t("years.chipOne", { year: String(state.yearFrom) })
          : t("years.chipRange", { from: String(state.yearFrom), to: String(state.yearTo) })
        : state.yearFrom !== undefined
          ? t("years.chipFrom", { from: String(state.yearFrom) })
          : t("years.chipTo", { to: String(state.yearTo) });
    chips.push({ text, href: searchHref(withoutYears(state), path) });
  }
  return chips;
}

/** Page numbers to show: first, last, and `span` either side of the current one, with gaps. */
export function pageWindow(current: number, last: number, span = 2): Array<number | "gap"> {
  if (last <= 1) return [1];
  const pages = new Set<number>([1, last]);
  for (let p = current - span; p <= current + span; p++) if (p >= 1 && p <= last) pages.add(p);
  const sorted = [...pages].sort((a, b) => a - b);
  const out: Array<number | "gap"> = [];
  let previous = 0;
  for (const p of sorted) {
    if (p - previous === 2) out.push(p - 1);
    else if (p - previous > 2) out.push("gap");
    out.push(p);
    previous = p;
  }
  return out;
}

export function pager(state: SearchState, totalPages: number, path: string): Pager | undefined {
  const last = Math.min(totalPages, MAX_PAGE);
  if (last <= 1) return undefined;
  // A page past the end (a stale link) gets a window ending at the last page and no "current".
  const current = state.page;
  const href = (page: number) => searchHref(withPage(state, page), path);
  let gaps = 0;
  return {
    current,
    last,
    ...(current > 1 && { previous: href(Math.min(current - 1, last)) }),
    ...(current < last && { next: href(current + 1) }),
    links: pageWindow(Math.min(current, last), last).map((p) =>
      p === "gap"
        ? { kind: "gap", key: `gap-${++gaps}` }
        : { kind: "page", page: p, href: href(p), current: p === current },
    ),
  };
}
