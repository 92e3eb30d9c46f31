import type { SourceTestView } from "$lib/api-types";
import { t } from "$lib/i18n";
import { formText } from "./admin";
import { apiRequest, type ApiAuth } from "./api";
import { isMissingRoute, problemMessage } from "./problem-message";

export const PROTOCOLS = ["file", "oai-pmh", "sru", "z39.50"] as const;
export const HOLDINGS_PRESETS = ["koha-952", "marc21-852", "iii-945", "sirsi-949"] as const;

/** The form's values, echoed back when the API refuses them. */
export interface SourceFormValues {
  library: string;
  name: string;
  protocol: string;
  endpoint: string;
  metadataPrefix: string;
  set: string;
  holdingsMapping: string;
  schedule: string;
  timezone: string;
  enabled: boolean;
}

export function sourceFormValues(data: FormData): SourceFormValues {
  return {
    library: formText(data, "library"),
    name: formText(data, "name"),
    protocol: formText(data, "protocol"),
    endpoint: formText(data, "endpoint"),
    metadataPrefix: formText(data, "metadataPrefix"),
    set: formText(data, "set"),
    holdingsMapping: formText(data, "holdingsMapping"),
    schedule: formText(data, "schedule"),
    timezone: formText(data, "timezone"),
    enabled: data.get("enabled") !== null,
  };
}

/**
 * The API body for a source form. `keep` carries the options the form does not edit (e.g. a
 * custom holdings mapping object is left alone unless a preset is picked).
 */
export function sourceBody(v: SourceFormValues, mode: "create" | "update", keepOptions: Record<string, unknown> = {}) {
  const options: Record<string, unknown> = { ...keepOptions };
  delete options.metadataPrefix;
  delete options.set;
  if (v.metadataPrefix) options.metadataPrefix = v.metadataPrefix;
  if (v.set) options.set = v.set;
  const preset = (HOLDINGS_PRESETS as readonly string[]).includes(v.holdingsMapping) ? v.holdingsMapping : undefined;
  return {
    ...(mode === "create" && { library: v.library }),
    name: v.name,
    protocol: v.protocol,
    endpoint: v.endpoint,
    options,
    // A preset replaces the mapping, "none" clears it, "" (a custom mapping shown) leaves it alone.
    ...(preset !== undefined && { holdingsMapping: preset }),
    ...(v.holdingsMapping === "none" && { holdingsMapping: null }),
    schedule: v.schedule === "" ? null : v.schedule,
    ...(v.timezone && { timezone: v.timezone }),
    enabled: v.enabled,
  };
}


/** The probe takes up to ~8.5 s in the API; wait a little longer than that. */
const SOURCE_TEST_TIMEOUT_MS = 12_000;

function detailText(value: unknown): string {
  if (Array.isArray(value)) return value.map((v) => String(v)).join(", ");
  if (value === null || value === undefined) return "–";
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** Reads POST /v1/admin/sources/test's answer; anything else becomes a failed test. */
export function sourceTestView(body: unknown): SourceTestView {
  const b = (typeof body === "object" && body !== null ? body : {}) as { ok?: unknown; summary?: unknown; details?: unknown };
  const details = typeof b.details === "object" && b.details !== null ? Object.entries(b.details) : [];
  return {
    ok: b.ok === true,
    summary: typeof b.summary === "string" ? b.summary : t("admin.testUnreadable"),
    details: details.map(([name, value]) => ({ name, value: detailText(value) })),
  };
}

/** "Test connection": asks the API to probe the endpoint typed in the form, without saving it. */
export async function testSourceEndpoint(fetchFn: typeof fetch, auth: ApiAuth | undefined, v: SourceFormValues): Promise<SourceTestView> {
  if (!auth) return { ok: false, summary: t("request.signInFirst"), details: [] };
  if (!v.endpoint) return { ok: false, summary: t("admin.testNeedsEndpoint"), details: [] };
  const { options } = sourceBody(v, "update");
  try {
    const answer = await apiRequest(fetchFn, "/v1/admin/sources/test", {
      method: "POST",
      auth,
      body: { protocol: v.protocol, endpoint: v.endpoint, options },
      timeoutMs: SOURCE_TEST_TIMEOUT_MS,
    });
    return sourceTestView(answer.body);
  } catch (e) {
    return { ok: false, summary: isMissingRoute(e) ? t("admin.notAvailable") : problemMessage(e), details: [] };
  }
}
