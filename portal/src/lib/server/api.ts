import { env } from "$env/dynamic/private";
import type { Problem, SearchParams, SearchResponse, UnionRecord } from "$lib/api-types";
import { normaliseRecord, normaliseSearchResponse } from "./normalise";

/** The search-api base URL when API_URL is not set. */
export const DEFAULT_API_URL = "http://127.0.0.1:3001";
/** How long the portal waits for the API before saying it is unreachable. */
export const API_TIMEOUT_MS = 5_000;

type Fetch = typeof fetch;

/** Base class of everything the API client throws. */
export class ApiError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ApiError";
  }
}

/** The API answered with an error status; `problem` is its RFC 9457 body (or one made up for it). */
export class ApiProblemError extends ApiError {
  readonly status: number;
  readonly problem: Problem;
  constructor(problem: Problem, options?: ErrorOptions) {
    super(problem.detail ?? problem.title, options);
    this.name = "ApiProblemError";
    this.status = problem.status;
    this.problem = problem;
  }
}

/** The API could not be reached, timed out, or said it cannot serve (502/503/504). */
export class ApiUnavailableError extends ApiError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ApiUnavailableError";
  }
}

/** The API answered 2xx with a body the portal cannot read. */
export class ApiResponseError extends ApiError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "ApiResponseError";
  }
}

/** Read at request time, so the built handler honours the API_URL of the process that runs it. */
export function apiBaseUrl(): string {
  const raw = env.API_URL?.trim() || DEFAULT_API_URL;
  return raw.replace(/\/+$/, "");
}

function isProblem(v: unknown): v is Problem {
  return typeof v === "object" && v !== null && typeof (v as Problem).title === "string";
}

async function readProblem(res: Response): Promise<Problem> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  if (isProblem(body)) {
    const p = body;
    return {
      type: typeof p.type === "string" ? p.type : "about:blank",
      title: p.title,
      status: res.status,
      ...(typeof p.detail === "string" && { detail: p.detail }),
      ...(Array.isArray(p.errors) && { errors: p.errors }),
    };
  }
  return { type: "about:blank", title: res.statusText || `HTTP ${res.status}`, status: res.status };
}

const UNAVAILABLE_STATUSES = new Set([502, 503, 504]);

/** GET a JSON resource from the API, turning every failure into an ApiError subclass. */
export async function apiGet(fetchFn: Fetch, path: string, query?: URLSearchParams): Promise<unknown> {
  const url = `${apiBaseUrl()}${path}${query && query.size > 0 ? `?${query}` : ""}`;
  let res: Response;
  try {
    res = await fetchFn(url, {
      headers: { accept: "application/json, application/problem+json" },
      signal: AbortSignal.timeout(API_TIMEOUT_MS),
    });
  } catch (cause) {
    const timedOut = cause instanceof DOMException && cause.name === "TimeoutError";
    const message = timedOut
      ? `search-api did not answer within ${API_TIMEOUT_MS} ms`
      : "search-api is unreachable";
    console.warn(`[portal] ${message}: GET ${url}`, cause instanceof Error ? cause.message : cause);
    throw new ApiUnavailableError(message, { cause });
  }
  if (!res.ok) {
    const problem = await readProblem(res);
    if (UNAVAILABLE_STATUSES.has(res.status)) {
      console.warn(`[portal] search-api answered ${res.status}: GET ${url}`, problem.detail ?? problem.title);
      throw new ApiUnavailableError(problem.detail ?? problem.title);
    }
    throw new ApiProblemError(problem);
  }
  try {
    return await res.json();
  } catch (cause) {
    const timedOut = cause instanceof DOMException && cause.name === "TimeoutError";
    if (timedOut) throw new ApiUnavailableError("search-api response timed out", { cause });
    throw new ApiResponseError(`search-api sent a body that is not JSON: GET ${url}`, { cause });
  }
}

/** The query string of GET /v1/search; lists are sent as repeated parameters. */
export function searchQueryString(params: SearchParams): URLSearchParams {
  const qs = new URLSearchParams();
  qs.set("q", params.q);
  for (const v of params.format) qs.append("format", v);
  for (const v of params.language) qs.append("language", v);
  for (const v of params.library) qs.append("library", v);
  if (params.available !== undefined) qs.set("available", String(params.available));
  qs.set("page", String(params.page));
  qs.set("limit", String(params.limit));
  return qs;
}

/** GET /v1/search */
export async function searchCatalogue(fetchFn: Fetch, params: SearchParams): Promise<SearchResponse> {
  const body = await apiGet(fetchFn, "/v1/search", searchQueryString(params));
  try {
    return normaliseSearchResponse(body, params);
  } catch (cause) {
    throw new ApiResponseError("search-api sent a search response the portal cannot read", { cause });
  }
}

/** GET /v1/records/:id */
export async function getRecord(fetchFn: Fetch, id: string): Promise<UnionRecord> {
  const body = await apiGet(fetchFn, `/v1/records/${encodeURIComponent(id)}`);
  try {
    return normaliseRecord(body);
  } catch (cause) {
    throw new ApiResponseError("search-api sent a record the portal cannot read", { cause });
  }
}
