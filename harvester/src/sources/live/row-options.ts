import { parseZ3950Endpoint } from "../z3950/endpoint.ts";
import type { LiveAvailabilityOptions } from "./live-availability.ts";

/**
 * Live-lookup options for a source row: Z39.50 rows use their "host:port/database" endpoint (OPAC
 * syntax), SRU rows their base URL (recordSchema "opac", or the row's `liveRecordSchema`).
 * Undefined for protocols without a live lookup (OAI-PMH, files).
 */
export function liveAvailabilityOptions(
  protocol: string,
  endpoint: string,
  options: Record<string, unknown> = {},
): LiveAvailabilityOptions | undefined {
  if (protocol === "z39.50") return { protocol: "z39.50", ...parseZ3950Endpoint(endpoint) };
  if (protocol === "sru") {
    const live: LiveAvailabilityOptions = { protocol: "sru", baseUrl: endpoint };
    if (typeof options.liveRecordSchema === "string") live.recordSchema = options.liveRecordSchema;
    if (options.version === "1.1" || options.version === "1.2" || options.version === "2.0") {
      live.version = options.version;
    }
    return live;
  }
  return undefined;
}
