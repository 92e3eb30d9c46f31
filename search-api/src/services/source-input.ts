import path from "node:path";
import { z } from "zod";
import { HOLDINGS_PRESETS, type HoldingsMapping, type HoldingsPresetName } from "@interlend/harvester/normalise/holdings";
import { scheduleProblem } from "@interlend/harvester/schedule/cron-schedule";
import { problem } from "../http/problem.ts";

const subfields = z.union([z.string().regex(/^[a-z0-9]$/), z.array(z.string().regex(/^[a-z0-9]$/)).max(10)]);
const itemStatus = z.enum(["available", "on_loan", "missing", "not_lendable"]);

const holdingsMappingSchema = z.strictObject({
  tag: z.string().regex(/^\d{3}$/, "a three-digit MARC tag"),
  barcode: z.string().regex(/^[a-z0-9]$/).optional(),
  callNumber: subfields.optional(),
  location: subfields.optional(),
  status: subfields.optional(),
  dueDate: z.string().regex(/^[a-z0-9]$/).optional(),
  lendable: z.string().regex(/^[a-z0-9]$/).optional(),
  loanType: z.string().regex(/^[a-z0-9]$/).optional(),
  statusMap: z.record(z.string().max(64), itemStatus).optional(),
  notLendableValues: z.array(z.string().max(64)).max(100).optional(),
  nonReturnableValues: z.array(z.string().max(64)).max(100).optional(),
  flags: z.record(z.string().regex(/^[a-z0-9]$/), itemStatus).optional(),
});

const presetNames = Object.keys(HOLDINGS_PRESETS) as [HoldingsPresetName, ...HoldingsPresetName[]];

export const sourceFields = {
  name: z.string().trim().min(1).max(100).regex(/^[\p{L}\p{N} _.-]+$/u, "letters, digits, space, _ . - only"),
  protocol: z.enum(["file", "oai-pmh", "sru", "z39.50"]),
  endpoint: z.string().trim().min(1).max(2000),
  options: z.record(z.string().max(64), z.union([z.string().max(2000), z.number(), z.boolean()])).optional(),
  holdingsMapping: z.union([z.enum(presetNames), holdingsMappingSchema]).nullable().optional(),
  schedule: z.string().trim().max(100).nullable().optional(),
  timezone: z.string().trim().max(64).optional(),
  enabled: z.boolean().optional(),
};

export const createSourceBody = z.strictObject({ library: z.string().trim().min(1).max(64), ...sourceFields });
export const updateSourceBody = z.strictObject({
  name: sourceFields.name.optional(),
  protocol: sourceFields.protocol.optional(),
  endpoint: sourceFields.endpoint.optional(),
  options: sourceFields.options,
  holdingsMapping: sourceFields.holdingsMapping,
  schedule: sourceFields.schedule,
  timezone: sourceFields.timezone,
  enabled: sourceFields.enabled,
});

function invalid(field: string, message: string) {
  return problem(400, "invalid-parameters", "Invalid request body", `Check ${field}: ${message}`, { errors: [{ path: field, message }] });
}

/** A preset name becomes its mapping, so a run never depends on code that may change the preset. */
export function resolveHoldingsMapping(value: HoldingsPresetName | HoldingsMapping | null | undefined): HoldingsMapping | null | undefined {
  return typeof value === "string" ? HOLDINGS_PRESETS[value] : value;
}

/**
 * The endpoint must fit its protocol; a file source may only read below one of the allowed import
 * folders (no ../ or absolute paths elsewhere).
 */
export function checkEndpoint(protocol: string, endpoint: string, fileRoots: readonly string[]): string {
  switch (protocol) {
    case "oai-pmh":
    case "sru": {
      let url: URL;
      try {
        url = new URL(endpoint);
      } catch {
        throw invalid("endpoint", "must be an http(s) URL");
      }
      if (url.protocol !== "http:" && url.protocol !== "https:") throw invalid("endpoint", "must be an http(s) URL");
      return url.toString();
    }
    case "z39.50":
      if (!/^(tcp:)?[A-Za-z0-9.-]+:\d{1,5}(\/[A-Za-z0-9_.-]+)?$/.test(endpoint)) throw invalid("endpoint", "must look like host:port/database");
      return endpoint;
    case "file": {
      if (endpoint.includes("\0")) throw invalid("endpoint", "contains a NUL byte");
      const roots = fileRoots.map((root) => path.resolve(root));
      const resolved = path.resolve(roots[0] ?? ".", endpoint);
      if (!roots.some((root) => resolved === root || resolved.startsWith(root + path.sep))) {
        throw invalid("endpoint", `a file source must be inside ${roots.join(" or ")}`);
      }
      return resolved;
    }
    default:
      throw invalid("protocol", `unknown protocol ${protocol}`);
  }
}

export function checkSchedule(schedule: string | null | undefined, timezone: string): void {
  if (!schedule) return;
  const reason = scheduleProblem(schedule, timezone);
  if (reason) throw invalid("schedule", reason);
}
