import { formText } from "./admin";

/** GET /v1/admin/settings */
export interface PodSettings {
  ranking: {
    turnaroundWeight: number;
    loadBalanceWeight: number;
    loadBalanceCapDays: number;
    distanceWeight: number;
    priorRequests: number;
    windowDays: number;
  };
  responseWindowHours: number;
  requestLimits: { perPatron: number; perMemberDaily: number };
  liveLookupTtlSeconds: number;
  patronRetentionDays: number;
}

export const RANKING_FIELDS = ["turnaroundWeight", "loadBalanceWeight", "loadBalanceCapDays", "distanceWeight", "priorRequests", "windowDays"] as const;
export const LIMIT_FIELDS = ["perPatron", "perMemberDaily"] as const;
export const TOP_FIELDS = ["responseWindowHours", "liveLookupTtlSeconds", "patronRetentionDays"] as const;

/** The form's fields, echoed back as typed when the API refuses them. */
export type SettingsFormValues = Record<string, string>;

export function settingsFormValues(data: FormData): SettingsFormValues {
  const out: SettingsFormValues = {};
  for (const name of [...RANKING_FIELDS, ...LIMIT_FIELDS, ...TOP_FIELDS]) out[name] = formText(data, name);
  return out;
}

/** The settings as form values (strings), for the first render. */
export function settingsAsValues(s: PodSettings): SettingsFormValues {
  const out: SettingsFormValues = {};
  for (const name of RANKING_FIELDS) out[name] = String(s.ranking[name]);
  for (const name of LIMIT_FIELDS) out[name] = String(s.requestLimits[name]);
  for (const name of TOP_FIELDS) out[name] = String(s[name]);
  return out;
}

/**
 * The PATCH body: every filled-in field as a number. An empty field is left out (unchanged); a
 * field that is not a number is sent as NaN → null so the API names it in its answer.
 */
export function settingsPatch(v: SettingsFormValues) {
  const num = (name: string): number | null | undefined => {
    const text = (v[name] ?? "").replace(",", ".");
    if (text === "") return undefined;
    const n = Number(text);
    return Number.isFinite(n) ? n : null;
  };
  const pick = (names: readonly string[]) => {
    const out: Record<string, number | null> = {};
    for (const name of names) {
      const n = num(name);
      if (n !== undefined) out[name] = n;
    }
    return out;
  };
  const ranking = pick(RANKING_FIELDS);
  const requestLimits = pick(LIMIT_FIELDS);
  return {
    ...(Object.keys(ranking).length > 0 && { ranking }),
    ...(Object.keys(requestLimits).length > 0 && { requestLimits }),
    ...pick(TOP_FIELDS),
  };
}
