import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { OaiClient } from "@interlend/harvester/sources/oai/index";
import { MarcXmlSink, SruClient, type SruVersion } from "@interlend/harvester/sources/sru/index";
import { ALL_RECORDS_PQF, parseZ3950Endpoint, parseZoomshOutput, runZoomsh } from "@interlend/harvester/sources/z3950/index";
import type { AppDeps } from "../../app.ts";
import { HttpProblem } from "../../http/problem.ts";
import type { RouteTable } from "../../http/route-table.ts";
import { checkEndpoint, sourceFields } from "../../services/source-input.ts";

/** The whole probe answers within this (the portal waits ~10 s). */
export const SOURCE_TEST_DEADLINE_MS = 8_000;
const MARC_FILE = /\.(mrc|marc|iso|iso2709|dat|xml|marcxml)$/i;
const MAX_LISTED_FILES = 50;

const testBody = z.strictObject({
  protocol: sourceFields.protocol,
  endpoint: sourceFields.endpoint,
  options: sourceFields.options,
});
type TestBody = z.infer<typeof testBody>;
type Options = NonNullable<TestBody["options"]>;
type Details = Record<string, string | number | boolean | string[] | null>;

export interface SourceTestResult {
  ok: boolean;
  /** One line for people: what the endpoint said, or why it could not be reached. */
  summary: string;
  details: Details;
}

const silent = { warn: () => {} };

function text(options: Options, name: string): string | undefined {
  const v = options[name];
  return typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;
}

/** An error's own words, with the cause's (ECONNREFUSED…) when the message alone says little. */
function reason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? error.cause : undefined;
  const code = (cause as NodeJS.ErrnoException | undefined)?.code ?? (error as NodeJS.ErrnoException).code;
  const message = error instanceof HttpProblem ? (error.problem.detail ?? error.problem.title) : error.message;
  return code && !message.includes(code) ? `${message} (${code})` : message;
}

async function testOai(endpoint: string, options: Options, signal: AbortSignal): Promise<SourceTestResult> {
  const client = new OaiClient({
    baseUrl: endpoint,
    http: { requestTimeoutMs: SOURCE_TEST_DEADLINE_MS, idleTimeoutMs: SOURCE_TEST_DEADLINE_MS, maxResponseBytes: 1024 * 1024 },
    retry: { attempts: 1 },
    signal,
    logger: silent,
  });
  const identify = await client.identify();
  return {
    ok: true,
    summary: `OAI-PMH ${identify.protocolVersion || "?"} repository “${identify.repositoryName || endpoint}” answered Identify.`,
    details: {
      repositoryName: identify.repositoryName,
      baseUrl: identify.baseUrl,
      protocolVersion: identify.protocolVersion,
      earliestDatestamp: identify.earliestDatestamp,
      granularity: identify.granularity,
      deletedRecord: identify.deletedRecord,
      adminEmails: identify.adminEmails,
      ...(text(options, "metadataPrefix") && { metadataPrefix: text(options, "metadataPrefix")! }),
    },
  };
}

async function testSru(endpoint: string, options: Options, signal: AbortSignal): Promise<SourceTestResult> {
  const version = text(options, "version");
  const client = new SruClient({
    baseUrl: endpoint,
    ...((version === "1.1" || version === "1.2" || version === "2.0") && { version: version as SruVersion }),
    timeoutMs: SOURCE_TEST_DEADLINE_MS,
    retry: { retries: 0 },
    logger: silent,
  });
  const query = text(options, "query") ?? "cql.allRecords=1";
  const recordSchema = text(options, "recordSchema");
  const response = await client.searchRetrieve(
    { query, startRecord: 1, maximumRecords: 1, ...(recordSchema && { recordSchema }) },
    () => new MarcXmlSink(),
    signal,
  );
  const first = response.records[0]?.data;
  const records = response.numberOfRecords;
  return {
    ok: true,
    summary: `SRU ${response.version ?? client.version} answered searchRetrieve: ${records ?? "an unknown number of"} records for ${query}.`,
    details: {
      version: response.version ?? client.version,
      query,
      numberOfRecords: records ?? null,
      firstRecordIsMarc: first === undefined ? null : first.ok,
      diagnostics: response.diagnostics.map((d) => `${d.message ?? d.uri}${d.details ? ` (${d.details})` : ""}`),
    },
  };
}

async function testZ3950(endpoint: string, options: Options, signal: AbortSignal): Promise<SourceTestResult> {
  const target = parseZ3950Endpoint(endpoint);
  const query = text(options, "query") ?? ALL_RECORDS_PQF;
  const output = parseZoomshOutput(
    await runZoomsh(target, [], [`search ${query}`], { timeoutMs: SOURCE_TEST_DEADLINE_MS, signal }),
  );
  return {
    ok: true,
    summary: `Z39.50 ${target.host}:${target.port}/${target.database} accepted the connection: ${output.hits ?? "an unknown number of"} hits.`,
    details: { host: target.host, port: target.port, database: target.database, query, hits: output.hits ?? null },
  };
}

async function testFile(endpoint: string, fileRoots: readonly string[]): Promise<SourceTestResult> {
  const resolved = checkEndpoint("file", endpoint, fileRoots);
  const info = await stat(resolved);
  if (info.isFile()) {
    return {
      ok: MARC_FILE.test(resolved),
      summary: MARC_FILE.test(resolved)
        ? `The file ${path.basename(resolved)} is there (${info.size} bytes).`
        : `${path.basename(resolved)} does not look like a MARC file (.mrc, .marc, .iso, .dat, .xml).`,
      details: { path: resolved, files: [path.basename(resolved)], bytes: info.size },
    };
  }
  const names = (await readdir(resolved)).filter((name) => MARC_FILE.test(name)).sort();
  return {
    ok: names.length > 0,
    summary: names.length > 0 ? `The folder holds ${names.length} MARC file(s).` : "The folder holds no MARC files.",
    details: { path: resolved, files: names.slice(0, MAX_LISTED_FILES), fileCount: names.length },
  };
}

/**
 * Probes a source endpoint the way its harvest would start: Identify (OAI-PMH), a one-record
 * searchRetrieve (SRU), a search through zoomsh (Z39.50), or the folder's MARC files (file). An
 * endpoint that cannot be reached is an answer (ok: false with the reason), not an error.
 */
export async function testSource(body: TestBody, fileRoots: readonly string[]): Promise<SourceTestResult> {
  const options = body.options ?? {};
  const deadline = AbortSignal.timeout(SOURCE_TEST_DEADLINE_MS + 500);
  try {
    switch (body.protocol) {
      case "oai-pmh":
        return await testOai(checkEndpoint("oai-pmh", body.endpoint, fileRoots), options, deadline);
      case "sru":
        return await testSru(checkEndpoint("sru", body.endpoint, fileRoots), options, deadline);
      case "z39.50":
        return await testZ3950(checkEndpoint("z39.50", body.endpoint, fileRoots), options, deadline);
      case "file":
        return await testFile(body.endpoint, fileRoots);
      default: {
        const never: never = body.protocol;
        return { ok: false, summary: `Unknown protocol ${String(never)}`, details: {} };
      }
    }
  } catch (error) {
    const why = deadline.aborted ? `no answer within ${SOURCE_TEST_DEADLINE_MS / 1000} s` : reason(error);
    return { ok: false, summary: `The endpoint could not be used: ${why}`, details: { error: why, protocol: body.protocol, endpoint: body.endpoint } };
  }
}

export function adminSourceTestRoutes(routes: RouteTable, deps: AppDeps): void {
  routes.add(
    {
      method: "post",
      path: "/v1/admin/sources/test",
      summary: "Test a source endpoint (Identify, searchRetrieve, a Z39.50 search, or list the folder) without saving it",
      tag: "admin",
      access: ["admin"],
      body: testBody,
    },
    async (c, { body }) => c.json(await testSource(body, deps.fileRoots ?? [])),
  );
}
