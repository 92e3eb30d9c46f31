/**
 * `npm run bench:meili`: search latency against the embedded Meilisearch over three HTTP paths:
 * (a) our keep-alive transport, (b) the official `meilisearch` client using our transport as its
 * httpClient, (c) Node's global fetch, (d) node:http with a keep-alive agent (what the transport
 * was built on before it had its own client). One connection each, requests back to back, varied queries
 * (the search-api's own request bodies), 200 warm-up then BENCH_QUERIES (default 2,000) measured.
 * The last line is one JSON object with the figures.
 *
 * BENCH_DOCS (default 20,000) sets the index size; BENCH_QUERIES shortens the run.
 */
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { Meilisearch } from "meilisearch";
import {
  createMeiliTransport,
  createMeiliUnionIndexWriter,
  ensureUnionIndex,
  facetValuesFor,
  meiliHttpClient,
  startManagedMeilisearch,
  type UnionDocument,
} from "@interlend/core/meili";
import { buildMeiliSearch, type SearchQuery } from "@interlend/search-api/services/search-query";
import { Random } from "../generator/prng.ts";

const DOCS = Number(process.env.BENCH_DOCS ?? 20_000);
const QUERIES = Number(process.env.BENCH_QUERIES ?? 2_000);
const WARMUP = Math.min(200, Math.max(10, Math.ceil(QUERIES / 10)));
const INDEX = "bench_union";

/** Seeded, so every run uses the same data and queries. */
const rng = new Random(20_240_601);
const random = () => rng.next();
const pick = <T>(list: readonly T[]): T => rng.pick(list);
const int = (min: number, max: number) => rng.int(min, max);

const SYLLABLES = ["ka", "lo", "mer", "tin", "ra", "vel", "so", "dun", "bri", "an", "cor", "el", "ith", "mo", "pra", "ser", "ul", "wen", "yar", "zo"];
const word = () => Array.from({ length: int(2, 3) }, () => pick(SYLLABLES)).join("");
const VOCABULARY = Array.from({ length: 1_500 }, word);
const SURNAMES = Array.from({ length: 400 }, () => {
  const w = word();
  return w[0]!.toUpperCase() + w.slice(1);
});
const SUBJECTS = Array.from({ length: 120 }, () => `${pick(VOCABULARY)} ${pick(VOCABULARY)}`);
const FORMATS = ["book", "ebook", "serial", "audio", "video", "map", "score"] as const;
const LANGUAGES = ["eng", "eng", "eng", "fre", "ger", "spa", "ita", "dut"] as const;
const MEMBERS = Array.from({ length: 30 }, (_, i) => `M${String(i + 1).padStart(2, "0")}`);

function isbn13(n: number): string {
  const body = `978${String(100_000_000 + n).slice(-9)}`;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body[i]) * (i % 2 ? 3 : 1);
  return body + String((10 - (sum % 10)) % 10);
}

function makeDocuments(count: number): UnionDocument[] {
  return Array.from({ length: count }, (_, n) => {
    const title = Array.from({ length: int(2, 6) }, () => pick(VOCABULARY)).join(" ");
    const libraries = [...new Set(Array.from({ length: int(1, 6) }, () => pick(MEMBERS)))];
    const availableAt = libraries.filter(() => random() < 0.6);
    const document = {
      id: `u${n}`,
      title: title[0]!.toUpperCase() + title.slice(1),
      ...(random() < 0.3 ? { subtitle: `${pick(VOCABULARY)} ${pick(VOCABULARY)}` } : {}),
      titleSort: title,
      authors: Array.from({ length: int(1, 2) }, () => `${pick(SURNAMES)}, ${pick(SURNAMES)[0]}.`),
      subjects: Array.from({ length: int(0, 3) }, () => pick(SUBJECTS)),
      ...(random() < 0.2 ? { series: `${pick(VOCABULARY)} series` } : {}),
      publisher: `${pick(SURNAMES)} Press`,
      year: int(1900, 2025),
      format: pick(FORMATS),
      language: pick(LANGUAGES),
      isbn: random() < 0.8 ? [isbn13(n)] : [],
      issn: [],
      libraries,
      availableAt,
      holdingsCount: libraries.length + int(0, 3),
      availableCount: availableAt.length,
      memberCount: libraries.length,
      available: availableAt.length > 0,
    };
    return { ...document, facetValues: facetValuesFor(document) };
  });
}

/** A varied stream of searches, shaped like the search-api's own (facets, highlight, filters). */
function makeQueries(count: number, documents: UnionDocument[]): Array<Record<string, unknown>> {
  return Array.from({ length: count }, () => {
    const doc = pick(documents);
    const r = random();
    const query: SearchQuery = { q: "", sort: "relevance", page: 1, limit: 20 };
    if (r < 0.1 && doc.isbn[0]) query.q = doc.isbn[0];
    else if (r < 0.5) query.q = doc.title.split(" ").slice(0, int(1, 2)).join(" ").toLowerCase();
    else if (r < 0.7) query.q = `${pick(VOCABULARY)} ${pick(VOCABULARY).slice(0, 3)}`; // with a prefix
    else if (r < 0.85) query.q = doc.authors[0]!.split(",")[0]!;
    if (random() < 0.3) query.format = [pick(FORMATS)];
    if (random() < 0.2) query.language = [pick(LANGUAGES)];
    if (random() < 0.25) query.library = [pick(MEMBERS), pick(MEMBERS)];
    if (random() < 0.2) query.available = true;
    if (random() < 0.15) {
      query.yearFrom = int(1900, 1990);
      query.yearTo = query.yearFrom + int(5, 40);
    }
    if (random() < 0.1) query.sort = pick(["newest", "oldest", "title"] as const);
    if (random() < 0.1) query.page = int(2, 5);
    return buildMeiliSearch(query);
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))]!;
}
const round = (ms: number) => Math.round(ms * 1000) / 1000;

interface SearchAnswer {
  processingTimeMs?: number;
  totalHits?: number;
}

interface Run {
  p50: number;
  p99: number;
  mean: number;
  processingP50: number;
}

async function measure(
  name: string,
  queries: Array<Record<string, unknown>>,
  search: (body: Record<string, unknown>) => Promise<SearchAnswer>,
): Promise<Run> {
  for (let i = 0; i < WARMUP; i++) await search(queries[i % queries.length]!);
  const times: number[] = [];
  const processing: number[] = [];
  let withHits = 0;
  for (let i = 0; i < QUERIES; i++) {
    const body = queries[(WARMUP + i) % queries.length]!;
    const start = performance.now();
    const answer = await search(body);
    times.push(performance.now() - start);
    if (typeof answer.processingTimeMs === "number") processing.push(answer.processingTimeMs);
    if ((answer.totalHits ?? 0) > 0) withHits++;
  }
  const sorted = [...times].sort((a, b) => a - b);
  processing.sort((a, b) => a - b);
  const run = {
    p50: percentile(sorted, 0.5),
    p99: percentile(sorted, 0.99),
    mean: times.reduce((a, b) => a + b, 0) / times.length,
    processingP50: percentile(processing, 0.5),
  };
  console.log(
    `${name.padEnd(36)} p50 ${run.p50.toFixed(2).padStart(7)} ms   p99 ${run.p99.toFixed(2).padStart(7)} ms   ` +
      `mean ${run.mean.toFixed(2).padStart(7)} ms   (Meilisearch's processingTimeMs p50 ${run.processingP50}; ${Math.round((100 * withHits) / QUERIES)}% with hits)`,
  );
  return run;
}

async function main(): Promise<void> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "interlend-bench-meili-"));
  const server = await startManagedMeilisearch({ dataDir });
  const loader = createMeiliTransport({ url: server.url, apiKey: server.masterKey });
  try {
    console.log(`Meilisearch ${server.url} (embedded), ${os.cpus().length} cores, Node ${process.version}`);
    const documents = makeDocuments(DOCS);
    const loadStart = performance.now();
    await ensureUnionIndex(loader, INDEX);
    const writer = createMeiliUnionIndexWriter(loader, INDEX);
    await writer.replace(documents);
    await writer.flush();
    const loadSeconds = (performance.now() - loadStart) / 1000;
    console.log(`loaded ${DOCS} documents in ${loadSeconds.toFixed(1)} s (${Math.round(DOCS / loadSeconds)} docs/s)`);

    const queries = makeQueries(Math.max(QUERIES + WARMUP, 1), documents);
    const searchPath = `/indexes/${INDEX}/search`;
    console.log(`${QUERIES} searches each after ${WARMUP} warm-up, one connection, back to back:`);

    // (a) our transport, limited to one socket.
    const transport = createMeiliTransport({ url: server.url, apiKey: server.masterKey, maxSockets: 1 });
    const ours = await measure("(a) keep-alive transport", queries, (body) =>
      transport.request<SearchAnswer>("POST", searchPath, body),
    );
    transport.close();

    // (b) the official client over our transport.
    const clientTransport = createMeiliTransport({ url: server.url, apiKey: server.masterKey, maxSockets: 1 });
    const client = new Meilisearch({ host: server.url, apiKey: server.masterKey, httpClient: meiliHttpClient(clientTransport) });
    const index = client.index(INDEX);
    const official = await measure("(b) meilisearch client + httpClient", queries, ({ q, ...params }) =>
      index.search(typeof q === "string" ? q : "", params),
    );
    clientTransport.close();

    // (c) Node's global fetch (undici, keep-alive by default).
    const url = `${server.url}${searchPath}`;
    const headers = { "content-type": "application/json", authorization: `Bearer ${server.masterKey}` };
    const fetched = await measure("(c) global fetch", queries, async (body) => {
      const response = await fetch(url, { method: "POST", headers, body: JSON.stringify(body) });
      if (!response.ok) throw new Error(`fetch: ${response.status} ${await response.text()}`);
      return (await response.json()) as SearchAnswer;
    });

    // (d) node:http, one kept-alive socket.
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const target = new URL(url);
    const nodeHttp = await measure("(d) node:http keep-alive agent", queries, (body) => {
      const payload = JSON.stringify(body);
      return new Promise<SearchAnswer>((resolve, reject) => {
        const request = http.request(
          { host: target.hostname, port: target.port, method: "POST", path: target.pathname, agent, headers: { ...headers, "content-length": Buffer.byteLength(payload) } },
          (response) => {
            const chunks: Buffer[] = [];
            response.on("data", (chunk: Buffer) => chunks.push(chunk));
            response.on("end", () => resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")) as SearchAnswer));
            response.on("error", reject);
          },
        );
        request.on("error", reject);
        request.end(payload);
      });
    });
    agent.destroy();

    console.log(
      JSON.stringify({
        docs: DOCS,
        queries: QUERIES,
        transportP50Ms: round(ours.p50),
        transportP99Ms: round(ours.p99),
        clientP50Ms: round(official.p50),
        clientP99Ms: round(official.p99),
        fetchP50Ms: round(fetched.p50),
        fetchP99Ms: round(fetched.p99),
        nodeHttpP50Ms: round(nodeHttp.p50),
        nodeHttpP99Ms: round(nodeHttp.p99),
        meiliProcessingP50Ms: ours.processingP50,
        loadDocsPerSec: Math.round(DOCS / loadSeconds),
      }),
    );
  } finally {
    loader.close();
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
