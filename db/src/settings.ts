import type { Kysely } from "kysely";
import { z } from "zod";
import type { Database } from "./schema.ts";

/**
 * Consortium ("pod") settings. Each top-level key is one row of `settings` holding its value as
 * JSON; what is not stored takes its default, so a fresh pod works without any rows at all.
 */
const rankingSettings = z.strictObject({
  /** Multiplies expected days to supply (median turnaround ÷ fill rate). */
  turnaroundWeight: z.number().min(0).max(1000),
  /** Days of penalty per request lent more than borrowed in the window (RapidILL's "lowest net"): 0.01 = 1 day per 100. */
  loadBalanceWeight: z.number().min(0).max(1000),
  /**
   * The load-balance penalty never exceeds this many days, so it evens out work among comparable
   * lenders but never puts a lender that lends a lot behind one that is days slower or rarely fills.
   */
  loadBalanceCapDays: z.number().min(0).max(365),
  /** Days of penalty per km between borrower and lender; 0 turns distance off. */
  distanceWeight: z.number().min(0).max(1000),
  /** Shrinkage strength k: how many requests' worth of weight the pod figure gets. */
  priorRequests: z.number().min(0).max(10_000),
  /** Days of history the lender figures are computed over. */
  windowDays: z.number().int().min(1).max(3650),
});

const requestLimits = z.strictObject({
  perPatron: z.number().int().min(1).max(10_000),
  perMemberDaily: z.number().int().min(1).max(1_000_000),
});

export const podSettingsSchema = z.strictObject({
  ranking: rankingSettings,
  /** Business hours a lender has to answer before the request moves on (reason `expired`). */
  responseWindowHours: z
    .number()
    .int()
    .min(1)
    .max(24 * 60),
  requestLimits,
  /** How long a live availability answer is reused (0 = ask every time). */
  liveLookupTtlSeconds: z.number().int().min(0).max(86_400),
  /** Days after a request closes before the patron's personal data is removed from it. */
  patronRetentionDays: z.number().int().min(1).max(3650),
});

export type PodSettings = z.infer<typeof podSettingsSchema>;
export type RankingSettings = PodSettings["ranking"];

export const DEFAULT_POD_SETTINGS: PodSettings = Object.freeze({
  ranking: Object.freeze({
    turnaroundWeight: 1,
    loadBalanceWeight: 0.01,
    loadBalanceCapDays: 2,
    distanceWeight: 0,
    priorRequests: 10,
    windowDays: 90,
  }),
  responseWindowHours: 48,
  requestLimits: Object.freeze({ perPatron: 10, perMemberDaily: 500 }),
  liveLookupTtlSeconds: 300,
  patronRetentionDays: 90,
});

/** What PATCH accepts: any subset, nested objects included; unknown keys are refused. */
export const podSettingsPatchSchema = z.strictObject({
  ranking: rankingSettings.partial().optional(),
  responseWindowHours: podSettingsSchema.shape.responseWindowHours.optional(),
  requestLimits: requestLimits.partial().optional(),
  liveLookupTtlSeconds: podSettingsSchema.shape.liveLookupTtlSeconds.optional(),
  patronRetentionDays: podSettingsSchema.shape.patronRetentionDays.optional(),
});

export type PodSettingsPatch = z.infer<typeof podSettingsPatchSchema>;

const SETTING_KEYS = Object.keys(podSettingsSchema.shape) as Array<keyof PodSettings>;

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
  const rows = await db
    .selectFrom("settings")
    .select(["key", "value"])
    .where("key", "in", SETTING_KEYS)
    .execute();
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
    const fallback = DEFAULT_POD_SETTINGS[key];
    const value = stored[key];
    let parsed = field.safeParse(deepMerge(fallback, value));
    if (!parsed.success && isPlainObject(value)) {
      // Keep the nested values that are still valid, drop the others.
      const kept: Record<string, unknown> = {};
      for (const [name, inner] of Object.entries(value)) {
        if (field.safeParse(deepMerge(fallback, { [name]: inner })).success) kept[name] = inner;
      }
      parsed = field.safeParse(deepMerge(fallback, kept));
    }
    settings[key] = parsed.success ? parsed.data : structuredClone(fallback);
  }
  return settings as PodSettings;
}

/** Settings read per Kysely instance: what was read, and when. */
const settingsCache = new WeakMap<object, { settings: PodSettings; readAt: number }>();
/** Bumped by each update, so a read that started before it is not cached after it. */
const settingsVersion = new WeakMap<object, number>();

/**
 * The pod's settings, read at most once per `maxAgeMs` per db instance: hot paths (placing) ask on
 * every call and the settings rarely change. updatePodSettings on the same instance drops the
 * cached copy at once; other processes see a change within `maxAgeMs`.
 */
export async function cachedPodSettings(db: Kysely<Database>, maxAgeMs = 5_000): Promise<PodSettings> {
  const cached = settingsCache.get(db);
  if (cached && Date.now() - cached.readAt < maxAgeMs) return cached.settings;
  const readAt = Date.now();
  const version = settingsVersion.get(db) ?? 0;
  const settings = await getPodSettings(db);
  if ((settingsVersion.get(db) ?? 0) === version) settingsCache.set(db, { settings, readAt });
  return settings;
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
    throw new SettingsError(
      `invalid settings: ${issues.map((i) => `${i.path}: ${i.message}`).join("; ")}`,
      issues,
    );
  }
  const updated = await db.transaction().execute(async (trx) => {
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
  settingsCache.delete(db);
  settingsVersion.set(db, (settingsVersion.get(db) ?? 0) + 1);
  return updated;
}
