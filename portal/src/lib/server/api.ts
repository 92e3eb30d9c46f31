import { env } from "$env/dynamic/private";
import type { LoanRequest, Problem, RankedCopies, SearchParams, SearchResponse, UnionRecord } from "$lib/api-types";
import { normaliseCopies, normaliseRecord, normaliseRequestList, normaliseSearchResponse } from "./normalise";

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

/** The API session the portal holds for a signed-in visitor (kept in the portal's own cookie). */
export interface ApiAuth {
  /** The value of the API's `interlend_session` cookie. */
  token: string;
  /** The session's CSRF token, sent as `x-csrf-token` on unsafe methods. */
  csrfToken: string;
}

export interface ApiRequestOptions {
  method?: "GET" | "POST" | "PATCH" | "DELETE";
  query?: URLSearchParams;
  body?: unknown;
  auth?: ApiAuth | undefined;
  headers?: Record<string, string>;
  /** How long to wait for this call (default API_TIMEOUT_MS); for calls the API itself takes long on. */
  timeoutMs?: number;
}

/** The API's session cookie name. */
export const API_SESSION_COOKIE = "interlend_session";

/** A successful answer: the parsed body (undefined when empty) and the response headers. */
export interface ApiAnswer {
  status: number;
  body: unknown;
  headers: Headers;
}

/** Calls the API, turning every failure into an ApiError subclass. */
export async function apiRequest(fetchFn: Fetch, path: string, options: ApiRequestOptions = {}): Promise<ApiAnswer> {
  const method = options.method ?? "GET";
  const query = options.query;
  const url = `${apiBaseUrl()}${path}${query && query.size > 0 ? `?${query}` : ""}`;
  const headers: Record<string, string> = { accept: "application/json, application/problem+json", ...options.headers };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (options.auth) {
    headers.cookie = `${API_SESSION_COOKIE}=${options.auth.token}`;
    if (method !== "GET") headers["x-csrf-token"] = options.auth.csrfToken;
  }
  const timeoutMs = options.timeoutMs ?? API_TIMEOUT_MS;
  let res: Response;
  try {
    res = await fetchFn(url, {
      method,
      headers,
      ...(options.body !== undefined && { body: JSON.stringify(options.body) }),
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (cause) {
    const timedOut = cause instanceof DOMException && cause.name === "TimeoutError";
    const message = timedOut
      ? `search-api did not answer within ${timeoutMs} ms`
      : "search-api is unreachable";
    console.warn(`[portal] ${message}: ${method} ${url}`, cause instanceof Error ? cause.message : cause);
    throw new ApiUnavailableError(message, { cause });
  }
  if (!res.ok) {
    const problem = await readProblem(res);
    if (UNAVAILABLE_STATUSES.has(res.status) && !/harvester/.test(problem.type)) {
      console.warn(`[portal] search-api answered ${res.status}: ${method} ${url}`, problem.detail ?? problem.title);
      throw new ApiUnavailableError(problem.detail ?? problem.title);
    }
    throw new ApiProblemError(problem);
  }
  try {
    const text = await res.text();
    return { status: res.status, body: text === "" ? undefined : (JSON.parse(text) as unknown), headers: res.headers };
  } catch (cause) {
    const timedOut = cause instanceof DOMException && cause.name === "TimeoutError";
    if (timedOut) throw new ApiUnavailableError("search-api response timed out", { cause });
    throw new ApiResponseError(`search-api sent a body that is not JSON: ${method} ${url}`, { cause });
  }
}

/** GET a JSON resource from the API, turning every failure into an ApiError subclass. */
export async function apiGet(
  fetchFn: Fetch,
  path: string,
  query?: URLSearchParams,
  auth?: ApiAuth,
): Promise<unknown> {
  return (await apiRequest(fetchFn, path, { ...(query && { query }), auth })).body;
}

/** The query string of GET /v1/search; lists are sent as repeated parameters. */
export function searchQueryString(params: SearchParams): URLSearchParams {
  const qs = new URLSearchParams();
  qs.set("q", params.q);
  for (const v of params.format) qs.append("format", v);
  for (const v of params.language) qs.append("language", v);
  for (const v of params.library) qs.append("library", v);
  if (params.available !== undefined) qs.set("available", String(params.available));
  if (params.yearFrom !== undefined) qs.set("yearFrom", String(params.yearFrom));
  if (params.yearTo !== undefined) qs.set("yearTo", String(params.yearTo));
  if (params.sort !== undefined && params.sort !== "relevance") qs.set("sort", params.sort);
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

/** Member code → name, from the search answer (public; the admin list needs an admin). */
export async function listLibraryNames(fetchFn: Fetch): Promise<Record<string, string>> {
  const body = await apiGet(fetchFn, "/v1/search", new URLSearchParams({ q: "", limit: "1" }));
  const libraries = (body as { libraries?: unknown } | undefined)?.libraries;
  const out: Record<string, string> = {};
  if (typeof libraries === "object" && libraries !== null) {
    for (const [code, name] of Object.entries(libraries)) if (typeof name === "string") out[code] = name;
  }
  return out;
}

/** GET /v1/records/:id/copies: the ranked copies (the rota) for a borrowing member. */
export async function getCopies(
  fetchFn: Fetch,
  id: string,
  borrower: string,
  service: "loan" | "copy",
  auth?: ApiAuth,
): Promise<RankedCopies> {
  const query = new URLSearchParams({ borrower, service });
  const body = await apiGet(fetchFn, `/v1/records/${encodeURIComponent(id)}/copies`, query, auth);
  try {
    return normaliseCopies(body);
  } catch (cause) {
    throw new ApiResponseError("search-api sent copies the portal cannot read", { cause });
  }
}

/** GET a list of requests (mine, a lending or borrowing queue). */
export async function listRequests(fetchFn: Fetch, path: string, query: URLSearchParams, auth: ApiAuth): Promise<LoanRequest[]> {
  const body = await apiGet(fetchFn, path, query, auth);
  try {
    return normaliseRequestList(body);
  } catch (cause) {
    throw new ApiResponseError("search-api sent a request list the portal cannot read", { cause });
  }
}

/** POST /v1/requests/:id/actions */
export async function requestAction(
  fetchFn: Fetch,
  id: string,
  body: { action: string; reason?: string; dueDate?: string },
  auth: ApiAuth,
): Promise<void> {
  await apiRequest(fetchFn, `/v1/requests/${encodeURIComponent(id)}/actions`, { method: "POST", body, auth });
}
