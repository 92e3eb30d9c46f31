/** The project's own HTTP fault tests for SruSource: 503s, dropped connections, bad options. */
import { createServer, type Server } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { z3950SourceOptions } from "../z3950/row-options.ts";
import { harvestPages } from "../shared/test-support.ts";
import type { HarvestPage } from "../types.ts";
import { SruHttpError, SruProtocolError } from "./errors.ts";
import { sruSourceOptions } from "./row-options.ts";
import { SruSource } from "./sru-source.ts";

const RESPONSE =
  `<?xml version="1.0"?><zs:searchRetrieveResponse xmlns:zs="http://www.loc.gov/zing/srw/"><zs:version>1.2</zs:version>` +
  `<zs:numberOfRecords>2</zs:numberOfRecords><zs:records>` +
  [1, 2]
    .map(
      (n) =>
        `<zs:record><zs:recordData><record xmlns="http://www.loc.gov/MARC21/slim"><leader>00000nam a2200000 a 4500</leader>` +
        `<controlfield tag="001">r${n}</controlfield></record></zs:recordData><zs:recordPosition>${n}</zs:recordPosition></zs:record>`,
    )
    .join("") +
  `</zs:records></zs:searchRetrieveResponse>`;

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A server answering request n with plan[n] (the last entry repeats). */
async function serve(
  plan: Array<"503" | "drop" | "ok" | "html">,
): Promise<{ url: string; requests: string[] }> {
  const requests: string[] = [];
  server = createServer((request, response) => {
    const step = plan[Math.min(requests.length, plan.length - 1)];
    requests.push(request.url ?? "");
    if (step === "503") response.writeHead(503).end("busy");
    else if (step === "html") response.writeHead(200, { "content-type": "text/html" }).end("<html>hi</html>");
    else if (step === "drop") {
      response.writeHead(200, { "content-type": "text/xml" });
      response.write(RESPONSE.slice(0, 200));
      setTimeout(() => request.socket.destroy(), 10);
    } else response.writeHead(200, { "content-type": "text/xml" }).end(RESPONSE);
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}/db`, requests };
}

const warnings: string[] = [];
function harvest(source: SruSource): Promise<HarvestPage[]> {
  warnings.length = 0;
  return harvestPages(source);
}
const make = (baseUrl: string, retries = 3): SruSource =>
  new SruSource({
    baseUrl,
    retry: { retries, baseDelayMs: 5 },
    logger: { warn: (m) => void warnings.push(m) },
  });

describe("SRU faults", () => {
  it("retries HTTP 503 and a connection dropped mid-body, then carries on", async () => {
    const peer = await serve(["503", "drop", "ok"]);
    const pages = await harvest(make(peer.url));
    expect(pages.flatMap((p) => p.records.map((r) => r.kind))).toEqual(["upsert", "upsert"]);
    expect(peer.requests).toHaveLength(3);
    expect(peer.requests[0]).toContain("maximumRecords=100");
    expect(warnings[0]).toMatch(/HTTP 503; retry 1/);
    expect(warnings[1]).toMatch(/retry 2/);
  });

  it("gives up after the retries with the HTTP status", async () => {
    const peer = await serve(["503"]);
    const error = await harvest(make(peer.url, 1)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SruHttpError);
    expect((error as Error).message).toMatch(/failed with HTTP 503/);
  });

  it("does not retry a response that is not SRU", async () => {
    const peer = await serve(["html"]);
    const error = await harvest(make(peer.url)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SruProtocolError);
    expect(peer.requests).toHaveLength(1);
  });
});

describe("source row options", () => {
  it("builds SRU and Z39.50 options from a row's endpoint and JSON", () => {
    expect(
      sruSourceOptions("http://h/db", { pageSize: 50, incrementalIndex: "rec.lastModificationDate" }),
    ).toEqual({
      baseUrl: "http://h/db",
      pageSize: 50,
      incrementalIndex: "rec.lastModificationDate",
    });
    expect(() => sruSourceOptions("http://h/db", { pageSize: "50" })).toThrow(/pageSize must be a number/);
    expect(z3950SourceOptions("z.example.org:2100/biblios", { recordSyntax: "xml" })).toEqual({
      host: "z.example.org",
      port: 2100,
      database: "biblios",
      recordSyntax: "xml",
    });
  });
});
