import { optionOf } from "../shared/options.ts";
import { parseZ3950Endpoint } from "./endpoint.ts";
import { Z3950Error } from "./errors.ts";
import type { Z3950RecordSyntax, Z3950SourceOptions } from "./z3950-source.ts";

/**
 * A source row's Z39.50 settings → Z3950Source options: `endpoint` is "host:port/database";
 * `options` (the row's JSON) may hold query (PQF), recordSyntax ("usmarc" | "xml" | "opac"),
 * elementSetName, pageSize, incrementalQuery (PQF with `{from}`) and timeoutMs.
 */
export function z3950SourceOptions(
  endpoint: string,
  options: Record<string, unknown> = {},
): Z3950SourceOptions {
  const fail = (message: string): Error => new Z3950Error(message);
  const result: Z3950SourceOptions = { ...parseZ3950Endpoint(endpoint) };
  const query = optionOf(options, "query", "string", fail);
  if (query !== undefined) result.query = query;
  const recordSyntax = optionOf(options, "recordSyntax", "string", fail);
  if (recordSyntax !== undefined) result.recordSyntax = recordSyntax as Z3950RecordSyntax; // checked by Z3950Source
  const elementSetName = optionOf(options, "elementSetName", "string", fail);
  if (elementSetName !== undefined) result.elementSetName = elementSetName;
  const pageSize = optionOf(options, "pageSize", "number", fail);
  if (pageSize !== undefined) result.pageSize = pageSize;
  const incrementalQuery = optionOf(options, "incrementalQuery", "string", fail);
  if (incrementalQuery !== undefined) result.incrementalQuery = incrementalQuery;
  const timeoutMs = optionOf(options, "timeoutMs", "number", fail);
  if (timeoutMs !== undefined) result.timeoutMs = timeoutMs;
  return result;
}
