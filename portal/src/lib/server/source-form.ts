import { formText } from "./admin";

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
