import type { Kysely } from "kysely";
import { z } from "zod";
import type { Database } from "./schema.ts";

/**
 * Consortium ("pod") settings. Each top-level key is one row of `settings` holding its value as
 * JSON; what is not stored takes its default, so a fresh pod works without any rows at all.
 */
const rankingSettings = z.strictObject({
  /** Multiplies expected days to supply (median turnaround ÷ fill rate). */
  turnaroundWeight: z.number().min(0).max(1000).default(1),
  /** Days of penalty per copy lent more than borrowed (RapidILL's "lowest net"). */
  loadBalanceWeight: z.number().min(0).max(1000).default(0.05),
  /** Days of penalty per km between borrower and lender; 0 turns distance off. */
  distanceWeight: z.number().min(0).max(1000).default(0),
  /** Shrinkage strength k: how many requests' worth of weight the pod figure gets. */
  priorRequests: z.number().min(0).max(10_000).default(10),
  /** Days of history the lender figures are computed over. */
  windowDays: z.number().int().min(1).max(3650).default(90),
});

const requestLimits = z.strictObject({
  perPatron: z.number().int().min(1).max(10_000).default(10),
  perMemberDaily: z.number().int().min(1).max(1_000_000).default(500),
});

export const podSettingsSchema = z.strictObject({
  ranking: rankingSettings.prefault({}),
  /** Business hours a lender has to answer before the request moves on (reason `expired`). */
  responseWindowHours: z.number().int().min(1).max(24 * 60).default(48),
  requestLimits: requestLimits.prefault({}),
  /** How long a live availability answer is reused. */
  liveLookupTtlSeconds: z.number().int().min(0).max(86_400).default(300),
  /** Days after a request closes before the patron's personal data is removed from it. */
  patronRetentionDays: z.number().int().min(1).max(3650).default(90),
});

export type PodSettings = z.infer<typeof podSettingsSchema>;
export type RankingSettings = PodSettings["ranking"];

/** What PATCH accepts: any subset, nested objects included; unknown keys are refused. */
export const podSettingsPatchSchema = z.strictObject({
  ranking: rankingSettings.partial().optional(),
  responseWindowHours: podSettingsSchema.shape.responseWindowHours.unwrap().optional(),
  requestLimits: requestLimits.partial().optional(),
  liveLookupTtlSeconds: podSettingsSchema.shape.liveLookupTtlSeconds.unwrap().optional(),
  patronRetentionDays: podSettingsSchema.shape.patronRetentionDays.unwrap().optional(),
});

export type PodSettingsPatch = z.infer<typeof podSettingsPatchSchema>;

const SETTING_KEYS = Object.keys(podSettingsSchema.shape) as Array<keyof PodSettings>;

export const DEFAULT_POD_SETTINGS: PodSettings = podSettingsSchema.parse({});

export class SettingsError extends Error {
  constructor(
    message: string,
    readonly issues: Array<{ path: string; message: string }>,
  ) {
    super(message);
    this.name = "SettingsError";
  }
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Objects merge key by key; anything else (numbers, arrays) replaces. `undefined` leaves a key alone. */
function deepMerge(base: unknown, patch: unknown): unknown {
  if (!isPlainObject(base) || !isPlainObject(patch)) return patch === undefined ? base : patch;
  const merged: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (value !== undefined) merged[key] = deepMerge(base[key], value);
  }
  return merged;
}

async function storedValues(db: Kysely<Database>): Promise<Record<string, unknown>> {
  const rows = await db.selectFrom("settings").select(["key", "value"]).where("key", "in", SETTING_KEYS).execute();
  const values: Record<string, unknown> = {};
  for (const row of rows) {
    try {
      values[row.key] = JSON.parse(row.value) as unknown;
    } catch {
      // A hand-edited row that is not JSON is ignored: the default applies.
    }
  }
  return values;
}

/**
 * The pod's settings: stored values over the defaults. A stored value that no longer validates
 * (e.g. written by an older version) falls back to its default key by key, so one bad row never
 * takes the whole pod's ranking down.
 */
export async function getPodSettings(db: Kysely<Database>): Promise<PodSettings> {
  const stored = await storedValues(db);
  const settings: Record<string, unknown> = {};
  for (const key of SETTING_KEYS) {
    const field = podSettingsSchema.shape[key];
    const value = stored[key];
    let parsed = field.safeParse(value);
    if (!parsed.success && isPlainObject(value)) {
      // Keep the nested values that are still valid, drop the others.
      const partial: Record<string, unknown> = {};
      for (const [name, inner] of Object.entries(value)) {
        if (field.safeParse({ [name]: inner }).success) partial[name] = inner;
      }
      parsed = field.safeParse(partial);
    }
    settings[key] = parsed.success ? parsed.data : DEFAULT_POD_SETTINGS[key];
  }
  return settings as PodSettings;
}

/**
 * Validates `patch` (any subset of the settings, nested objects merged key by key), writes the
 * keys it touches and returns the new settings. Throws SettingsError listing every bad field.
 */
export async function updatePodSettings(db: Kysely<Database>, patch: unknown): Promise<PodSettings> {
  const parsedPatch = podSettingsPatchSchema.safeParse(patch);
  if (!parsedPatch.success) {
    const issues = parsedPatch.error.issues.map((issue) => ({
      path: issue.path.join(".") || (issue.code === "unrecognized_keys" ? issue.keys.join(", ") : "(root)"),
      message: issue.message,
    }));
    throw new SettingsError(`invalid settings: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`, issues);
  }
  return db.transaction().execute(async (trx) => {
    const current = await getPodSettings(trx);
    const next = podSettingsSchema.parse(deepMerge(current, parsedPatch.data));
    for (const key of SETTING_KEYS) {
      if (parsedPatch.data[key] === undefined) continue;
      const value = JSON.stringify(next[key]);
      await trx
        .insertInto("settings")
        .values({ key, value })
        .onConflict((oc) => oc.column("key").doUpdateSet({ value }))
        .execute();
    }
    return next;
  });
}
