/**
 * `npm run bench:portal`: Lighthouse (performance and accessibility, its default mobile profile
 * with simulated throttling) on the portal's search results page and a record page, against the
 * same real stack the browser tests start (Meilisearch, SQLite with a generated consortium, the
 * API, the built portal). Debian's Chromium by default (CHROME_PATH to use another).
 *
 * Each page is measured LIGHTHOUSE_RUNS times (default 3) and the median kept. The audits that
 * cost points are listed on stderr; the last line is one JSON object with the lower page's
 * scores (0–100) as `lighthousePerformance` and `lighthouseAccessibility`, and each page's.
 */
import os from "node:os";
import { launch, type LaunchedChrome } from "chrome-launcher";
import lighthouse, { type Flags, type RunnerResult } from "lighthouse";
import { startPortalStack, type PortalStack } from "../support/portal-stack.ts";

const CHROME_PATH = process.env.CHROME_PATH ?? "/usr/bin/chromium";
const RUNS = Math.max(1, Number(process.env.LIGHTHOUSE_RUNS ?? 3));
const RECORDS = Number(process.env.BENCH_RECORDS ?? 600);
const CHROME_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];

interface PageFigures {
  url: string;
  performance: number;
  accessibility: number;
  /** Median run's metrics, in ms (CLS unitless). */
  metrics: Record<string, number>;
}

const log = (line: string) => console.error(line);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/** The audits that lost points, worst first, for fixing. */
function complaints(result: RunnerResult): string[] {
  const lhr = result.lhr;
  const out: string[] = [];
  for (const category of ["performance", "accessibility"] as const) {
    for (const ref of lhr.categories[category]?.auditRefs ?? []) {
      const audit = lhr.audits[ref.id];
      if (!audit || ref.weight === 0 || audit.score === null || audit.score >= 0.9) continue;
      out.push(`${category}: ${audit.id} (${Math.round(audit.score * 100)}) ${audit.title}${audit.displayValue ? ` – ${audit.displayValue}` : ""}`);
    }
  }
  return out;
}

async function measure(chrome: LaunchedChrome, name: string, url: string): Promise<PageFigures> {
  const flags: Flags = { port: chrome.port, output: "json", logLevel: "error", onlyCategories: ["performance", "accessibility"] };
  const runs: RunnerResult[] = [];
  for (let i = 0; i < RUNS; i++) {
    const result = await lighthouse(url, flags);
    if (!result) throw new Error(`Lighthouse gave no result for ${url}`);
    const performance = Math.round((result.lhr.categories.performance?.score ?? 0) * 100);
    log(`${name} run ${i + 1}/${RUNS}: performance ${performance}, accessibility ${Math.round((result.lhr.categories.accessibility?.score ?? 0) * 100)}`);
    runs.push(result);
  }
  const score = (r: RunnerResult, c: string) => Math.round((r.lhr.categories[c]?.score ?? 0) * 100);
  const byPerformance = [...runs].sort((a, b) => score(a, "performance") - score(b, "performance"));
  const middle = byPerformance[Math.floor(byPerformance.length / 2)]!;
  for (const line of complaints(middle)) log(`  ${name} ${line}`);
  const metric = (id: string) => Math.round((middle.lhr.audits[id]?.numericValue ?? 0) * (id === "cumulative-layout-shift" ? 1000 : 1)) / (id === "cumulative-layout-shift" ? 1000 : 1);
  return {
    url,
    performance: median(runs.map((r) => score(r, "performance"))),
    accessibility: median(runs.map((r) => score(r, "accessibility"))),
    metrics: {
      firstContentfulPaintMs: metric("first-contentful-paint"),
      largestContentfulPaintMs: metric("largest-contentful-paint"),
      totalBlockingTimeMs: metric("total-blocking-time"),
      speedIndexMs: metric("speed-index"),
      cumulativeLayoutShift: metric("cumulative-layout-shift"),
    },
  };
}

/** A search that finds something, and the record with the most holdings among its results. */
async function pickPages(stack: PortalStack): Promise<{ search: string; record: string }> {
  const all = (await (await fetch(`${stack.apiUrl}/v1/search?q=&limit=100`)).json()) as {
    hits: Array<{ id: string; title: string; holdingsCount?: number }>;
  };
  const heaviest = [...all.hits].sort((a, b) => (b.holdingsCount ?? 0) - (a.holdingsCount ?? 0))[0];
  if (!heaviest) throw new Error("the generated catalogue is empty");
  const word = heaviest.title.split(/\s+/).map((w) => w.replace(/\W/g, "")).find((w) => w.length > 4) ?? "the";
  return {
    search: `${stack.portalUrl}/?q=${encodeURIComponent(word)}`,
    record: `${stack.portalUrl}/records/${encodeURIComponent(heaviest.id)}`,
  };
}

async function main() {
  log(`Starting the stack (${RECORDS} records)…`);
  const stack = await startPortalStack({ records: RECORDS, log });
  let chrome: LaunchedChrome | undefined;
  try {
    const pages = await pickPages(stack);
    chrome = await launch({ chromePath: CHROME_PATH, chromeFlags: CHROME_FLAGS, logLevel: "silent" });
    // One untimed visit each, so the server's first-request work (route chunks, caches) is not scored.
    for (const url of Object.values(pages)) await fetch(url).then((r) => r.text());
    const search = await measure(chrome, "search", pages.search);
    const record = await measure(chrome, "record", pages.record);
    const summary = {
      lighthousePerformance: Math.min(search.performance, record.performance),
      lighthouseAccessibility: Math.min(search.accessibility, record.accessibility),
      runsPerPage: RUNS,
      profile: "lighthouse default (mobile, simulated throttling)",
      chromium: CHROME_PATH,
      machine: `${os.cpus()[0]?.model ?? "cpu"} ×${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
      pages: { search, record },
    };
    console.log(JSON.stringify(summary));
  } finally {
    chrome?.kill();
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
