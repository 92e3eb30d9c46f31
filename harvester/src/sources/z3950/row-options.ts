import { pickOptions } from "../shared/options.ts";
import { parseZ3950Endpoint } from "./endpoint.ts";
import { Z3950Error } from "./errors.ts";
import type { Z3950RecordSyntax, Z3950SourceOptions } from "./z3950-source.ts";

/** The row options a Z39.50 source reads, with their JSON types. */
const Z3950_OPTIONS = {
  query: "string",
  recordSyntax: "string",
  elementSetName: "string",
  pageSize: "number",
  incrementalQuery: "string",
  timeoutMs: "number",
} as const;

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
  const { recordSyntax, ...rest } = pickOptions(options, Z3950_OPTIONS, fail);
  const target = { ...parseZ3950Endpoint(endpoint), ...rest };
  // The syntax is checked by Z3950Source.
  return recordSyntax === undefined ? target : { ...target, recordSyntax: recordSyntax as Z3950RecordSyntax };
}
