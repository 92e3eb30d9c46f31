/**
 * The union index: one Meilisearch document per cluster (union record), its settings, and the
 * task helpers every writer needs.
 */
import type { TitleDescription } from "../title-description.ts";
import { MeiliApiError, MeiliTaskError, MeiliTaskTimeoutError, type MeiliErrorBody } from "./errors.ts";
import type { MeiliTransport } from "./transport.ts";

export interface UnionDocument extends TitleDescription {
  id: string;
  /** Title folded for sorting (lower case, leading articles dropped). */
  titleSort: string;
  isbn: string[];
  issn: string[];
  /** Member codes holding a copy. */
  libraries: string[];
  /** Member codes with a lendable copy on the shelf. */
  availableAt: string[];
  holdingsCount: number;
  availableCount: number;
  /** Member (bib) records in the cluster. */
  memberCount: number;
  available: boolean;
  /**
   * What the search filters and counts on, as `group:value` in one attribute (facetValuesFor):
   * Meilisearch counts one attribute's values per document much faster than four attributes'.
   */
  facetValues: string[];
}

/** The facet groups a union document is counted under, each a prefix of its `facetValues`. */
export const FACET_GROUPS = ["format", "language", "library", "available"] as const;
export type FacetGroup = (typeof FACET_GROUPS)[number];

export const facetValue = (group: FacetGroup, value: string | boolean) => `${group}:${value}`;

export function facetValuesFor(document: Pick<UnionDocument, "format" | "language" | "libraries" | "available">): string[] {
  return [
    facetValue("format", document.format),
    facetValue("language", document.language),
    ...document.libraries.map((code) => facetValue("library", code)),
    facetValue("available", document.available),
  ];
}

/** Filter by equality only; no facet search (it costs indexing time and nothing asks for it). */
const EQUALITY_ONLY = { facetSearch: false, filter: { equality: true, comparison: false } } as const;

export const UNION_INDEX_SETTINGS = {
  searchableAttributes: ["title", "subtitle", "authors", "subjects", "series", "publisher", "isbn", "issn"],
  // Only what the search API filters or counts on (each costs indexing time); only `year` needs ranges.
  filterableAttributes: [
    { attributePatterns: ["year"], features: { facetSearch: false, filter: { equality: true, comparison: true } } },
    { attributePatterns: ["facetValues", "isbn"], features: EQUALITY_ONLY },
  ],
  sortableAttributes: ["year", "titleSort"],
  displayedAttributes: ["*"],
  typoTolerance: { disableOnAttributes: ["isbn", "issn"] },
  // Every group's values share one attribute: room for 200 members and hundreds of languages.
  faceting: { maxValuesPerFacet: 1_000 },
  facetSearch: false,
  // "byAttribute" would index faster, but a quoted phrase would then match its words anywhere in
  // one field, in any order.
  proximityPrecision: "byWord",
  pagination: { maxTotalHits: 10_000 },
} as const;

export type UnionIndexSettings = typeof UNION_INDEX_SETTINGS;

/** Settings whose order carries no meaning (Meilisearch sends them back sorted). */
const UNORDERED = new Set(["sortableAttributes", "disableOnAttributes", "displayedAttributes", "attributePatterns"]);

const sortKey = (value: unknown) => JSON.stringify(value);

function sameValue(wanted: unknown, current: unknown, key: string): boolean {
  if (Array.isArray(wanted)) {
    if (!Array.isArray(current) || current.length !== wanted.length) return false;
    const a = UNORDERED.has(key) ? [...wanted].sort((x, y) => sortKey(x).localeCompare(sortKey(y))) : wanted;
    const b = UNORDERED.has(key) ? [...current].sort((x, y) => sortKey(x).localeCompare(sortKey(y))) : current;
    return a.every((value, i) => sameValue(value, b[i], key));
  }
  if (typeof wanted === "object" && wanted !== null) {
    if (typeof current !== "object" || current === null) return false;
    // Only the keys we set: Meilisearch fills in the rest with its defaults.
    return Object.entries(wanted).every(([k, v]) => sameValue(v, (current as Record<string, unknown>)[k], k));
  }
  return wanted === current;
}

/** The top-level settings in `wanted` that `current` does not match. */
export function settingsDiff(
  wanted: Record<string, unknown>,
  current: Record<string, unknown>,
): Record<string, unknown> {
  const diff: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(wanted)) if (!sameValue(value, current[key], key)) diff[key] = value;
  return diff;
}

export interface MeiliTask {
  uid: number;
  indexUid: string | null;
  status: "enqueued" | "processing" | "succeeded" | "failed" | "canceled";
  type: string;
  error: MeiliErrorBody | null;
  details?: Record<string, unknown>;
  duration?: string | null;
  enqueuedAt?: string;
  startedAt?: string | null;
  finishedAt?: string | null;
}

/** What Meilisearch answers when it enqueues a task. */
export interface EnqueuedTask {
  taskUid: number;
  indexUid: string | null;
  status: string;
  type: string;
}

export interface WaitOptions {
  /** Default 60 s. */
  timeoutMs?: number;
  /** Longest pause between two polls. Default 250 ms. */
  maxIntervalMs?: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
const FINISHED = new Set(["succeeded", "failed", "canceled"]);

function assertSucceeded(task: MeiliTask): MeiliTask {
  if (task.status !== "succeeded") throw new MeiliTaskError(task.uid, task.status, task.error, task.type);
  return task;
}

/** Polls GET /tasks/:uid (5 ms, then doubling up to maxIntervalMs) until the task has finished. */
export async function waitForTask(
  transport: MeiliTransport,
  taskUid: number,
  options: WaitOptions = {},
): Promise<MeiliTask> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const maxInterval = options.maxIntervalMs ?? 250;
  const deadline = Date.now() + timeoutMs;
  for (let delay = 5; ; delay = Math.min(delay * 2, maxInterval)) {
    const task = await transport.request<MeiliTask>("GET", `/tasks/${taskUid}`);
    if (FINISHED.has(task.status)) return assertSucceeded(task);
    if (Date.now() >= deadline) throw new MeiliTaskTimeoutError([taskUid], timeoutMs);
    await sleep(Math.min(delay, Math.max(1, deadline - Date.now())));
  }
}

/**
 * Waits for all the tasks, polling GET /tasks?uids=... for the unfinished ones, and throws
 * MeiliTaskError for the first (lowest uid) that failed once all have finished.
 */
export async function waitForTasks(
  transport: MeiliTransport,
  taskUids: Iterable<number>,
  options: WaitOptions = {},
): Promise<MeiliTask[]> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const maxInterval = options.maxIntervalMs ?? 250;
  const deadline = Date.now() + timeoutMs;
  let pending = [...new Set(taskUids)].sort((a, b) => a - b);
  const finished: MeiliTask[] = [];
  for (let delay = 5; pending.length > 0; delay = Math.min(delay * 2, maxInterval)) {
    const stillPending: number[] = [];
    for (let i = 0; i < pending.length; i += 500) {
      const chunk = pending.slice(i, i + 500);
      const page = await transport.request<{ results: MeiliTask[] }>(
        "GET",
        `/tasks?uids=${chunk.join(",")}&limit=${chunk.length}`,
      );
      const seen = new Map(page.results.map((task) => [task.uid, task]));
      for (const uid of chunk) {
        const task = seen.get(uid);
        if (task && FINISHED.has(task.status)) finished.push(task);
        else stillPending.push(uid);
      }
    }
    pending = stillPending;
    if (pending.length === 0) break;
    if (Date.now() >= deadline) throw new MeiliTaskTimeoutError(pending, timeoutMs);
    await sleep(Math.min(delay, Math.max(1, deadline - Date.now())));
  }
  finished.sort((a, b) => a.uid - b.uid);
  for (const task of finished) assertSucceeded(task);
  return finished;
}

/**
 * True when the index holds documents written before union documents carried `facetValues`
 * (filters and facet counts need them): such an index wants one rebuild from the db.
 */
export async function lacksFacetValues(transport: MeiliTransport, uid: string): Promise<boolean> {
  const stats = await transport.request<{ numberOfDocuments: number; fieldDistribution?: Record<string, number> }>(
    "GET",
    `/indexes/${encodeURIComponent(uid)}/stats`,
  );
  return stats.numberOfDocuments > 0 && (stats.fieldDistribution?.facetValues ?? 0) < stats.numberOfDocuments;
}

export interface EnsureIndexResult {
  created: boolean;
  /** The settings that had to change (empty when they already matched). */
  updatedSettings: string[];
}

/**
 * Creates the index (primary key `id`) when it is missing and brings its settings in line with
 * UNION_INDEX_SETTINGS, sending only those that differ, so calling it at every start costs two GETs.
 */
export async function ensureUnionIndex(
  transport: MeiliTransport,
  uid: string,
  options: WaitOptions = {},
): Promise<EnsureIndexResult> {
  const indexPath = `/indexes/${encodeURIComponent(uid)}`;
  let created = false;
  try {
    const index = await transport.request<{ primaryKey: string | null }>("GET", indexPath);
    if (index.primaryKey === null) {
      const task = await transport.request<EnqueuedTask>("PATCH", indexPath, { primaryKey: "id" });
      await waitForTask(transport, task.taskUid, options);
    } else if (index.primaryKey !== "id") {
      throw new MeiliApiError(
        409,
        {
          message: `Index ${uid} has primary key ${index.primaryKey}, the union index needs "id"`,
          code: "index_primary_key_mismatch",
          type: "invalid_request",
        },
        { method: "GET", path: indexPath },
      );
    }
  } catch (error) {
    if (!(error instanceof MeiliApiError && error.code === "index_not_found")) throw error;
    const task = await transport.request<EnqueuedTask>("POST", "/indexes", { uid, primaryKey: "id" });
    try {
      await waitForTask(transport, task.taskUid, options);
      created = true;
    } catch (taskError) {
      // Created by someone else meanwhile: fine.
      if (!(taskError instanceof MeiliTaskError && taskError.code === "index_already_exists")) throw taskError;
    }
  }

  const current = await transport.request<Record<string, unknown>>("GET", `${indexPath}/settings`);
  const diff = settingsDiff(UNION_INDEX_SETTINGS, current);
  const updatedSettings = Object.keys(diff);
  if (updatedSettings.length > 0) {
    const task = await transport.request<EnqueuedTask>("PATCH", `${indexPath}/settings`, diff);
    await waitForTask(transport, task.taskUid, { timeoutMs: 10 * 60_000, ...options });
  }
  return { created, updatedSettings };
}
