import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";

/** Repository root: the folder holding the top-level package.json. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

const port = z.coerce.number().int().min(0).max(65535);

const configSchema = z.object({
  INTERLEND_DATA: z.string().min(1).default(path.join(REPO_ROOT, "data")),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, "must be a postgres:// or postgresql:// URL")
    .optional(),
  SQLITE_PATH: z.string().min(1).optional(),
  PG_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, "a lower-case SQL identifier")
    .optional(),
  MEILI_URL: z.url().optional(),
  MEILI_MASTER_KEY: z.string().min(1).optional(),
  MEILI_INDEX: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, "letters, digits, - and _ only")
    .default("union_records"),
  HOST: z.string().min(1).default("127.0.0.1"),
  API_PORT: port.default(3001),
  PORTAL_PORT: port.default(3000),
  API_URL: z.url().optional(),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  MAX_BODY_BYTES: z.coerce.number().int().positive().default(1_000_000),
  MAX_UPLOAD_BYTES: z.coerce.number().int().positive().default(2 * 1024 ** 3),
  MEILI_BINARY: z.string().min(1).optional(),
  MEILI_MAX_INDEXING_THREADS: z.coerce.number().int().min(1).max(256).optional(),
  SMTP_URL: z
    .string()
    .regex(/^smtps?:\/\/\S+$/, "must be an smtp:// or smtps:// URL")
    .optional(),
  NOTIFY_FROM: z.string().min(3).max(200).optional(),
  /** How long identical searches are answered from the API's cache (0 = off); never past an index change. */
  SEARCH_CACHE_SECONDS: z.coerce.number().min(0).max(3600).default(30),
  HARVEST_CONCURRENCY: z.coerce.number().int().min(1).max(32).default(2),
  /** Size of the generated demo consortium on first start; 0 skips it (like --no-demo). */
  DEMO_RECORDS: z.coerce.number().int().min(0).max(10_000_000).default(6000),
});

export type RawConfig = z.infer<typeof configSchema>;

export interface Config extends RawConfig {
  dataDir: string;
  sqlitePath: string;
  dialect: "sqlite" | "postgres";
  apiUrl: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** Settings from an optional JSON file (INTERLEND_CONFIG); the environment wins over it. */
function readConfigFile(file: string | undefined): Record<string, unknown> {
  if (!file) return {};
  if (!existsSync(file)) throw new ConfigError([`INTERLEND_CONFIG: file not found: ${file}`]);
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, "utf8"));
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
      throw new Error("expected a JSON object of setting names to values");
    }
    return parsed as Record<string, unknown>;
  } catch (error) {
    throw new ConfigError([`INTERLEND_CONFIG: ${file}: ${(error as Error).message}`]);
  }
}

function withoutEmpty(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) if (value !== undefined && value !== "") out[key] = value;
  return out;
}

/** Reads and validates every setting at once; throws ConfigError naming each bad one. */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const fromFile = readConfigFile(env.INTERLEND_CONFIG);
  const result = configSchema.safeParse({ ...fromFile, ...withoutEmpty(env) });
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`),
    );
  }
  const raw = result.data;
  const dataDir = path.resolve(raw.INTERLEND_DATA);
  return {
    ...raw,
    dataDir,
    sqlitePath: path.resolve(raw.SQLITE_PATH ?? path.join(dataDir, "interlend.sqlite")),
    dialect: raw.DATABASE_URL ? "postgres" : "sqlite",
    apiUrl: raw.API_URL ?? `http://${raw.HOST}:${raw.API_PORT}`,
  };
}
