import { error, fail } from "@sveltejs/kit";
import { apiBaseUrl, apiGet, apiRequest, type ApiAuth } from "./api";
import { requireRole } from "./guard";
import { toPageError } from "./page-errors";
import { isMissingRoute, problemMessage } from "./problem-message";
import { t } from "$lib/i18n";

type Fetch = typeof fetch;

export interface AdminLibrary {
  id: number;
  code: string;
  name: string;
  timezone: string | null;
  latitude: number | null;
  longitude: number | null;
  contactEmail: string | null;
  suspendedUntil: string | null;
  openingHours: OpeningHours | null;
}

/** A member's hours for the response window: local hours, closed weekdays (0 = Sunday), closed dates. */
export interface OpeningHours {
  open: number;
  close: number;
  closedDays: number[];
  closedDates: string[];
}

/** The week the API uses when a member has not set its own. */
export const DEFAULT_OPENING_HOURS: OpeningHours = { open: 9, close: 17, closedDays: [0, 6], closedDates: [] };

/** Opening hours from the member form: hour fields, weekday checkboxes and a list of dates. */
export function openingHoursFromForm(data: FormData): OpeningHours {
  return {
    open: formNumber(data, "open") ?? DEFAULT_OPENING_HOURS.open,
    close: formNumber(data, "close") ?? DEFAULT_OPENING_HOURS.close,
    closedDays: data.getAll("closedDays").map(Number),
    closedDates: formText(data, "closedDates").split(/[\s,;]+/).filter(Boolean),
  };
}

export interface AdminSource {
  id: number;
  library: string | null;
  name: string;
  protocol: string;
  endpoint: string;
  options: Record<string, unknown>;
  holdingsMapping: unknown;
  schedule: string | null;
  timezone: string | null;
  enabled: boolean;
  nextRun: string | null;
}

export interface HarvestRun {
  id: number;
  sourceId: number;
  status: string;
  mode: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  counts: { seen: number; added: number; updated: number; deleted: number; rejected: number };
  error: string | null;
}

export async function adminGet<T>(fetchFn: Fetch, auth: ApiAuth, path: string, query?: URLSearchParams): Promise<T> {
  return (await apiGet(fetchFn, path, query, auth)) as T;
}

export async function listAdminLibraries(fetchFn: Fetch, auth: ApiAuth): Promise<AdminLibrary[]> {
  return (await adminGet<{ libraries: AdminLibrary[] }>(fetchFn, auth, "/v1/admin/libraries")).libraries;
}

export async function listAdminSources(fetchFn: Fetch, auth: ApiAuth): Promise<AdminSource[]> {
  const body = await adminGet<{ sources: Array<AdminSource & { options: unknown }> }>(fetchFn, auth, "/v1/admin/sources");
  return body.sources.map((s) => ({
    ...s,
    options: typeof s.options === "object" && s.options !== null ? (s.options as Record<string, unknown>) : {},
  }));
}

/**
 * An admin page's load: an admin signs in first, then `read` asks the API with their credentials;
 * an API failure becomes the error page.
 */
export async function loadAsAdmin<T>(
  event: { locals: App.Locals; url: URL },
  read: (auth: ApiAuth) => Promise<T>,
  options?: { notFoundStatuses?: number[] },
): Promise<T> {
  const user = requireRole(event.locals, event.url, "admin");
  try {
    return await read(user.auth);
  } catch (e) {
    toPageError(e, options);
  }
}

/** The row whose id is the route's `[id]`, or the not-found page. */
export function findByIdOr404<R extends { id: number }>(rows: R[], id: string): R {
  const row = rows.find((r) => String(r.id) === id);
  if (!row) error(404, { message: t("error.notFoundTitle"), kind: "not-found" });
  return row;
}

/** Runs an admin write; answers the API's body, or a form failure with the API's own words. */
export async function adminWrite(
  fetchFn: Fetch,
  auth: ApiAuth | undefined,
  method: "POST" | "PATCH" | "DELETE",
  path: string,
  body?: unknown,
  extra: Record<string, unknown> = {},
) {
  if (!auth) return { ok: false as const, failure: fail(401, { ...extra, error: t("request.signInFirst") }) };
  try {
    const answer = await apiRequest(fetchFn, path, { method, auth, ...(body !== undefined && { body }) });
    return { ok: true as const, body: answer.body };
  } catch (e) {
    const message = isMissingRoute(e) ? t("admin.notAvailable") : problemMessage(e);
    return { ok: false as const, failure: fail(400, { ...extra, error: message }) };
  }
}

export function formText(data: FormData, name: string): string {
  const v = data.get(name);
  return typeof v === "string" ? v.trim() : "";
}

/** A number field: undefined when empty, NaN when not a number (the API then says what is wrong). */
export function formNumber(data: FormData, name: string): number | null | undefined {
  const v = formText(data, name);
  if (v === "") return undefined;
  return Number(v);
}

/** GET /v1/admin/dashboard */
export interface DashboardFigures {
  days: number;
  requestsPerDay: Array<{ date: string; requests: number }>;
  unionRecords: number;
  indexDocuments: number | null;
  memberRecords: number;
  sources: Array<{
    id: number;
    name: string;
    library: string | null;
    protocol: string;
    enabled: boolean;
    records: number;
    lastRun: HarvestRun | null;
  }>;
}

/** One member's lending figures from GET /v1/stats/lenders. */
export interface LenderFigures {
  library: string;
  name: string;
  received: number;
  filled: number;
  fillRate: number | null;
  medianTurnaroundDays: number | null;
  lent: number;
  borrowed: number;
}

export interface LenderStats {
  days: number;
  pod: { received: number; filled: number; fillRate: number | null; medianTurnaroundDays: number | null };
  lenders: LenderFigures[];
}

export interface Health {
  status: string;
  db: string;
  search: string;
}

/** GET /health: the API answers 503 with the same body when degraded; unreachable is "down". */
export async function getHealth(fetchFn: typeof fetch): Promise<Health> {
  try {
    const res = await fetchFn(`${apiBaseUrl()}/health`, { signal: AbortSignal.timeout(3_000) });
    const body = (await res.json()) as Partial<Health>;
    return { status: String(body.status ?? "down"), db: String(body.db ?? "down"), search: String(body.search ?? "down") };
  } catch {
    return { status: "down", db: "unknown", search: "unknown" };
  }
}
