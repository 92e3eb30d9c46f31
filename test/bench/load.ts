/**
 * `npm run bench:load`: an open-loop mixed load on the API (a fixed arrival rate over at most 100
 * keep-alive connections, latency counted from when each request was due: support/open-loop.ts):
 * 90% searches, 8% record and copies views, 2% request placements by signed-in patrons, against
 * the bench pod (BENCH_RECORDS, default 1,000,000). First at 200 req/s for BENCH_SECONDS (default
 * 60), after as long a warm-up at that rate as the search cache keeps answers: p99, errors, per-kind
 * figures and the API process's memory growth (sampled every 10 s); then stepping the rate by
 * 100 (BENCH_STEP_SECONDS each, default 20) to the highest rate with p99 ≤ 100 ms and no errors.
 * Beside it, the searches alone sent straight to Meilisearch at the same rate. The last line is
 * one JSON object.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import type { UnionDocument } from "@interlend/core/meili";
import { createPatron, createSession, findLibraryByCode, updatePodSettings } from "@interlend/db";
import { SESSION_COOKIE } from "@interlend/search-api/auth/options";
import { startReadyProcess } from "../support/ready-process.ts";
import { BENCH_INDEX, openBenchPod } from "./support/bench-pod.ts";
import { searchMix } from "./support/queries.ts";
import { buildMeiliSearch, searchQuerySchema } from "@interlend/search-api/services/search-query";
import { openLoop, type KindedRequest } from "./support/open-loop.ts";
import { round } from "./support/stats.ts";

const RECORDS = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 60);
const STEP_SECONDS = Number(process.env.BENCH_STEP_SECONDS ?? 20);
const PATRONS_PER_MEMBER = 40;
const CACHE_SECONDS = Number(process.env.SEARCH_CACHE_SECONDS ?? 30);

function rssMiB(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, "utf8").split("\n").find((l) => l.startsWith("VmRSS:"));
  return Number(line?.replace(/\D+/g, "") ?? 0) / 1024;
}

async function main() {
  const pod = await openBenchPod(RECORDS, (line) => console.error(line));
  const db = pod.database.db;
  await updatePodSettings(db, { requestLimits: { perPatron: 10_000, perMemberDaily: 1_000_000 } });
  const sample = await pod.transport.request<{ results: UnionDocument[] }>("GET", `/indexes/${BENCH_INDEX}/documents?limit=5000`);
  const docs = sample.results;
  const { next: nextQuery, random, libraries } = searchMix(docs, 13);

  // Patrons with sessions made directly (sign-in's scrypt is not what this bench measures).
  const patrons: Array<{ library: string; cookie: string; csrf: string }> = [];
  for (const code of libraries) {
    const library = await findLibraryByCode(db, code);
    if (!library) continue;
    for (let i = 0; i < PATRONS_PER_MEMBER; i++) {
      const card = `LOAD-${code}-${i}-${Date.now()}`;
      const patron = await createPatron(db, { libraryId: library.id, cardNumber: card, name: `Load patron ${i}` });
      const session = await createSession(db, { patronId: patron.id, role: "patron" });
      patrons.push({ library: code, cookie: `${SESSION_COOKIE}=${session.token}`, csrf: session.csrfToken });
    }
  }
  // Titles whose shelf copies earlier runs already promised would rightly be refused ("no lender").
  const promised = new Set((await db.selectFrom("requests").select("cluster_id").distinct().execute()).map((r) => String(r.cluster_id)));
  // Loans need a returnable copy: e-books and the like are copies, not loans.
  const lendable = docs.filter((d) => d.format === "book" && d.availableAt.length > 0 && !promised.has(d.id));
  const nextRequest = (): KindedRequest => {
    const roll = random.next();
    if (roll < 0.9) return { kind: "search", method: "GET", path: `/v1/search?${new URLSearchParams(nextQuery())}` };
    const doc = random.pick(docs);
    if (roll < 0.94) return { kind: "record", method: "GET", path: `/v1/records/${doc.id}` };
    if (roll < 0.98) return { kind: "copies", method: "GET", path: `/v1/records/${doc.id}/copies?borrower=${random.pick(libraries)}` };
    // A patron asks for a title held elsewhere and not on their own shelf; each title once.
    for (;;) {
      const patron = random.pick(patrons);
      const title = random.pick(lendable);
      if (title.libraries.includes(patron.library) || promised.has(title.id)) continue;
      promised.add(title.id);
      return {
        kind: "place",
        method: "POST",
        path: "/v1/requests",
        body: JSON.stringify({ recordId: Number(title.id), serviceType: "loan" }),
        headers: { "content-type": "application/json", cookie: patron.cookie, "x-csrf-token": patron.csrf, "idempotency-key": randomUUID() },
      };
    }
  };

  const api = await startReadyProcess(["test/support/api-process.ts"], {
    SQLITE_PATH: pod.sqlitePath,
    MEILI_URL: pod.meiliUrl,
    MEILI_MASTER_KEY: pod.masterKey,
    MEILI_INDEX: BENCH_INDEX,
    PLACING_LIMIT: "1000000",
  });
  const { url, child } = api;

  /** Answers by request kind and status, and a few error bodies: what the errors were. */
  const statuses: Record<string, number> = {};
  const samples: string[] = [];
  const searchCache = { hit: 0, miss: 0 };
  const onAnswer = (request: KindedRequest, status: number, body: string, headers: Record<string, unknown>) => {
    if (headers["x-search-cache"] === "hit") searchCache.hit++;
    else if (headers["x-search-cache"] === "miss") searchCache.miss++;
    const key = `${request.kind} ${status}`;
    statuses[key] = (statuses[key] ?? 0) + 1;
    if ((status === 0 || status >= 400) && samples.length < 5) samples.push(`${key}: ${body.slice(0, 200)}`);
  };
  const run = (rate: number, seconds: number) => openLoop(url, nextRequest, { rate, seconds, connections: 100, onAnswer });
  const meiliSearch = (): KindedRequest => ({
    kind: "meili-search",
    method: "POST",
    path: `/indexes/${BENCH_INDEX}/search`,
    body: JSON.stringify(buildMeiliSearch(searchQuerySchema.parse(nextQuery()))),
    headers: { authorization: `Bearer ${pod.masterKey}` },
  });
  try {
    // Warm up at the measured rate until the search cache has turned over once (its entries live
    // SEARCH_CACHE_SECONDS): growth after that is growth, not the heap finding its working size.
    const warmSeconds = Math.max(20, CACHE_SECONDS);
    console.error(`warm-up: 200 req/s for ${warmSeconds} s…`);
    await run(200, warmSeconds);
    const rssBefore = rssMiB(child.pid!);
    searchCache.hit = searchCache.miss = 0;
    console.error(`200 req/s for ${SECONDS} s…`);
    const rssSamples: number[] = [];
    const sampler = setInterval(() => rssSamples.push(round(rssMiB(child.pid!), 1)), 10_000);
    const main = await run(200, SECONDS).finally(() => clearInterval(sampler));
    const rssAfter = rssMiB(child.pid!);
    const searchCacheHitRatio = round(searchCache.hit / Math.max(1, searchCache.hit + searchCache.miss));
    console.error(`Meilisearch direct, searches only, 180 req/s for ${Math.min(SECONDS, 30)} s…`);
    const direct = await openLoop(pod.meiliUrl, meiliSearch, { rate: 180, seconds: Math.min(SECONDS, 30), connections: 100 });
    let maxSustainedRps = main.p99Ms <= 100 && main.errors === 0 ? 200 : 0;
    const steps = [];
    for (let rate = 300; maxSustainedRps === rate - 100 && rate <= 3000; rate += 100) {
      console.error(`step ${rate} req/s for ${STEP_SECONDS} s…`);
      const step = await run(rate, STEP_SECONDS);
      steps.push({ rate, p99Ms: step.p99Ms, errors: step.errors, achievedRps: step.achievedRps });
      if (step.p99Ms <= 100 && step.errors === 0) maxSustainedRps = rate;
    }
    console.log(
      JSON.stringify({
        records: RECORDS,
        rate: 200,
        seconds: SECONDS,
        p99Ms: main.p99Ms,
        errors: main.errors,
        p50Ms: main.p50Ms,
        achievedRps: main.achievedRps,
        byKind: main.byKind,
        searchCacheSeconds: CACHE_SECONDS,
        searchCacheHitRatio,
        meiliDirectSearchP50Ms: direct.p50Ms,
        meiliDirectSearchP99Ms: direct.p99Ms,
        rssBeforeMiB: round(rssBefore, 1),
        rssAfterMiB: round(rssAfter, 1),
        rssGrowthMiB: round(rssAfter - rssBefore, 1),
        rssEvery10sMiB: rssSamples,
        maxSustainedRps,
        steps,
        statuses,
        errorSamples: samples,
      }),
    );
  } finally {
    await api.stop();
    await pod.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
