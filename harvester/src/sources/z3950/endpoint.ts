import { Z3950Error } from "./errors.ts";
import type { Z3950Target } from "./zoomsh.ts";

/**
 * A source row's Z39.50 endpoint → target: "host:port/database", "tcp:host:port/database",
 * "z3950://host:port/database" or "host/database" (port 210); the database defaults to "Default".
 */
export function parseZ3950Endpoint(endpoint: string): Z3950Target {
  const text = endpoint.trim().replace(/^(?:z39\.?50s?|tcp):(?:\/\/)?/i, "");
  const match = /^(\[[^\]]+\]|[^:/\s]+)(?::(\d+))?(?:\/([^\s?#]*))?$/.exec(text);
  if (!match)
    throw new Z3950Error(
      `Z39.50 endpoint must look like host:port/database, got ${JSON.stringify(endpoint)}`,
    );
  return {
    host: match[1] ?? "",
    port: match[2] ? Number(match[2]) : 210,
    database: match[3] ? decodeURIComponent(match[3]) : "Default",
  };
}
