import { pickOptions } from "../shared/options.ts";
import type { SruVersion } from "./client.ts";
import { SruError } from "./errors.ts";
import type { SruSourceOptions } from "./sru-source.ts";

const VERSIONS: readonly string[] = ["1.1", "1.2", "2.0"] satisfies SruVersion[];

/** The row options an SRU source reads, with their JSON types. */
const SRU_OPTIONS = {
  query: "string",
  recordSchema: "string",
  pageSize: "number",
  version: "string",
  incrementalIndex: "string",
  timeoutMs: "number",
} as const;

/**
 * A source row's SRU settings → SruSource options: `endpoint` is the base URL; `options` (the
 * row's JSON) may hold query, recordSchema, pageSize, version ("1.1" | "1.2" | "2.0"),
 * incrementalIndex and timeoutMs.
 */
export function sruSourceOptions(endpoint: string, options: Record<string, unknown> = {}): SruSourceOptions {
  const fail = (message: string): Error => new SruError(message);
  const { version, ...rest } = pickOptions(options, SRU_OPTIONS, fail);
  if (version === undefined) return { baseUrl: endpoint, ...rest };
  if (!VERSIONS.includes(version))
    throw fail(`source option version must be 1.1, 1.2 or 2.0, got ${JSON.stringify(version)}`);
  return { baseUrl: endpoint, ...rest, version: version as SruVersion };
}
