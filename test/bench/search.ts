/**
 * `npm run bench:search`: the search API against a generated pod (BENCH_RECORDS, default
 * 1,000,000), latency (one connection, varied queries) and throughput (50 connections, closed
 * loop, BENCH_SECONDS default 30), with the same searches sent straight to Meilisearch beside it,
 * and the ranked-copies route. The last line is one JSON object with the figures.
 */
import type { UnionDocument } from "@interlend/core/meili";
import { startReadyProcess } from "../support/ready-process.ts";
import { closedLoop } from "./support/load.ts";
import { cycle, pairedSearches } from "./support/paired-searches.ts";
import { searchMix } from "./support/queries.ts";
import { BENCH_INDEX, openBenchPod } from "./support/bench-pod.ts";
import { openWideTitlePod } from "./support/wide-title-pod.ts";
import { measureLatency, measureLatencySideBySide, round, type BenchRequest } from "./support/stats.ts";

const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 30);
const COUNT = Number(process.env.BENCH_QUERIES ?? 2_000);
/** Distinct searches, sent in turn to the API and (as the same Meilisearch work) straight to Meilisearch. */
const QUERY_SET = 3_000;


async function main() {
  const pod = await openBenchPod(RECORDS, (line) => console.error(line));
  const sample = await pod.transport.request<{ results: UnionDocument[] }>("GET", `/indexes/${BENCH_INDEX}/documents?limit=5000`);
  const docs = sample.results;
  const { next: nextQuery, random, libraries } = searchMix(docs);
  console.error(`recording the Meilisearch searches behind ${QUERY_SET} queries…`);
  const pairs = await pairedSearches(pod.transport, BENCH_INDEX, pod.masterKey, Array.from({ length: QUERY_SET }, nextQuery));
  const apiRequests = () => cycle(pairs.map((pair) => pair.api));
  const meiliRequests = () => cycle(pairs.map((pair) => pair.direct));

  // Without the API's search cache: this bench measures the API's own cost over Meilisearch (bench:load runs with it).
  const api = await startReadyProcess(["test/support/api-process.ts"], { SQLITE_PATH: pod.sqlitePath, MEILI_URL: pod.meiliUrl, MEILI_MASTER_KEY: pod.masterKey, MEILI_INDEX: BENCH_INDEX, SEARCH_CACHE_SECONDS: "0" });
  try {
    console.error("latency: API and Meilisearch direct, in alternating blocks…");
    const [apiLatency, meiliLatency] = await measureLatencySideBySide({ url: api.url, requests: apiRequests() }, { url: pod.meiliUrl, requests: meiliRequests() }, COUNT);
    const busiest = [...docs].sort((a, b) => b.holdingsCount - a.holdingsCount).slice(0, 200);
    const copiesRequest = (): BenchRequest => {
      const doc = random.pick(busiest);
      const borrower = random.pick(libraries.filter((l) => !doc.libraries.includes(l)).concat(libraries[0]!));
      return { method: "GET", path: `/v1/records/${doc.id}/copies?borrower=${borrower}` };
    };
    let copies: { p50: number; p99: number } | undefined;
    try {
      console.error("latency: copies…");
      copies = await measureLatency(api.url, copiesRequest, Math.min(COUNT, 1000), 50);
    } catch (error) {
      console.error(`copies route not measured: ${(error as Error).message}`);
    }
    console.error("latency: copies of a title with 50 holdings…");
    const wide = await openWideTitlePod((line) => console.error(line));
    const wideApi = await startReadyProcess(["test/support/api-process.ts"], { SQLITE_PATH: wide.sqlitePath });
    let copiesWide: { p50: number; p99: number };
    try {
      copiesWide = await measureLatency(wideApi.url, () => ({ method: "GET", path: `/v1/records/${wide.title}/copies?borrower=${wide.borrower}` }), Math.min(COUNT, 1000), 50);
    } finally {
      await wideApi.stop();
    }
    console.error(`throughput: API, 50 connections, ${SECONDS} s…`);
    const apiLoad = await closedLoop(api.url, apiRequests(), 50, SECONDS);
    console.error(`throughput: Meilisearch direct, 50 connections, ${SECONDS} s…`);
    const meiliLoad = await closedLoop(pod.meiliUrl, meiliRequests(), 50, SECONDS);
    const figures = {
      records: RECORDS,
      unionRecords: (await pod.transport.request<{ numberOfDocuments: number }>("GET", `/indexes/${BENCH_INDEX}/stats`)).numberOfDocuments,
      searchP50Ms: apiLatency.p50,
      searchP99Ms: apiLatency.p99,
      searchRps: apiLoad.rps,
      searchLoadedP99Ms: apiLoad.p99,
      searchErrors: apiLoad.errors,
      meiliDirectP50Ms: meiliLatency.p50,
      meiliDirectP99Ms: meiliLatency.p99,
      meiliDirectRps: meiliLoad.rps,
      meiliDirectLoadedP99Ms: meiliLoad.p99,
      fallbackShare: round(pairs.filter((pair) => pair.searches > 1).length / pairs.length),
      p50OverDirect: round(apiLatency.p50 / meiliLatency.p50),
      rpsOverDirect: round(apiLoad.rps / meiliLoad.rps),
      // BENCHMARKS.md's aims for the API over the component beneath it.
      p50AimMs: round(1.3 * meiliLatency.p50 + 0.5),
      rpsAim: Math.round(0.7 * meiliLoad.rps),
      copiesP50Ms: copies?.p50 ?? null,
      copiesP99Ms: copies?.p99 ?? null,
      maxHoldingsPerTitle: busiest[0]?.holdingsCount ?? 0,
      copiesWideP50Ms: copiesWide.p50,
      copiesWideP99Ms: copiesWide.p99,
      copiesWideHoldings: wide.holders,
      copiesWidePastEvents: wide.events,
    };
    console.log(JSON.stringify(figures));
  } finally {
    await api.stop();
    await pod.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
