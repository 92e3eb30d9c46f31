import { optionOf } from "../shared/options.ts";
import { SruError } from "./errors.ts";
import type { SruSourceOptions } from "./sru-source.ts";

type Json = Record<string, unknown>;

/**
 * A source row's SRU settings → SruSource options: `endpoint` is the base URL; `options` (the
 * row's JSON) may hold query, recordSchema, pageSize, version ("1.1" | "1.2" | "2.0"),
 * incrementalIndex and timeoutMs.
 */
export function sruSourceOptions(endpoint: string, options: Json = {}): SruSourceOptions {
  const fail = (message: string): Error => new SruError(message);
  const version = optionOf(options, "version", "string", fail);
  if (version !== undefined && version !== "1.1" && version !== "1.2" && version !== "2.0") {
    throw fail(`source option version must be 1.1, 1.2 or 2.0, got ${JSON.stringify(version)}`);
  }
  const result: SruSourceOptions = { baseUrl: endpoint };
  const query = optionOf(options, "query", "string", fail);
  if (query !== undefined) result.query = query;
  const recordSchema = optionOf(options, "recordSchema", "string", fail);
  if (recordSchema !== undefined) result.recordSchema = recordSchema;
  const pageSize = optionOf(options, "pageSize", "number", fail);
  if (pageSize !== undefined) result.pageSize = pageSize;
  if (version !== undefined) result.version = version;
  const incrementalIndex = optionOf(options, "incrementalIndex", "string", fail);
  if (incrementalIndex !== undefined) result.incrementalIndex = incrementalIndex;
  const timeoutMs = optionOf(options, "timeoutMs", "number", fail);
  if (timeoutMs !== undefined) result.timeoutMs = timeoutMs;
  return result;
}
