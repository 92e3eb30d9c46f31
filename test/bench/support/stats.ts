/** Percentiles and closed-loop latency measurement shared by the benches. */
import http from "node:http";

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

export const round = (value: number, digits = 2) => Number(value.toFixed(digits));

export interface BenchRequest {
  method: "GET" | "POST";
  path: string;
  body?: string;
  headers?: Record<string, string>;
}

/** One keep-alive connection: `send` times one request on it; `close` ends it. */
function latencyClient(baseUrl: string) {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const send = (request: BenchRequest) =>
    new Promise<number>((resolve, reject) => {
      const started = performance.now();
      const req = http.request(
        { host: url.hostname, port: url.port, method: request.method, path: request.path, agent, headers: { ...request.headers, ...(request.body && { "content-type": "application/json" }) } },
        (res) => {
          res.on("data", () => {});
          res.on("end", () => (res.statusCode && res.statusCode < 400 ? resolve(performance.now() - started) : reject(new Error(`${request.path}: HTTP ${res.statusCode}`))));
        },
      );
      req.on("error", reject);
      req.end(request.body);
    });
  return { send, close: () => agent.destroy() };
}

function summary(times: number[]) {
  const sorted = [...times].sort((a, b) => a - b);
  return { p50: round(percentile(sorted, 50)), p99: round(percentile(sorted, 99)), count: sorted.length };
}

/** One keep-alive connection, requests back to back: warm-up first, then `count` timed. */
export async function measureLatency(baseUrl: string, requests: () => BenchRequest, count: number, warmup = 200) {
  const client = latencyClient(baseUrl);
  try {
    for (let i = 0; i < warmup; i++) await client.send(requests());
    const times: number[] = [];
    for (let i = 0; i < count; i++) times.push(await client.send(requests()));
    return summary(times);
  } finally {
    client.close();
  }
}

export interface LatencySide {
  url: string;
  requests: () => BenchRequest;
}

/**
 * Latency of two servers doing the same work (the API and the component beneath it), each on its
 * own connection, timed in alternating blocks so that a machine which speeds up or slows down
 * during the run weighs on both alike; the side that goes first alternates too. The warm-up is
 * long enough for V8 to have optimised a server's request path (~2,000 requests; 200 left a
 * Node server's p50 0.2–0.5 ms above its steady state here).
 */
export async function measureLatencySideBySide(a: LatencySide, b: LatencySide, count: number, { warmup = 2_000, block = 250 } = {}) {
  const sides = [a, b].map((side) => ({ side, client: latencyClient(side.url), times: [] as number[] }));
  try {
    for (let i = 0; i < warmup; i++) for (const { side, client } of sides) await client.send(side.requests());
    for (let round = 0; sides.some((s) => s.times.length < count); round++) {
      for (const { side, client, times } of round % 2 === 0 ? sides : [...sides].reverse()) {
        for (let i = 0; i < block && times.length < count; i++) times.push(await client.send(side.requests()));
      }
    }
    return [summary(sides[0]!.times), summary(sides[1]!.times)] as const;
  } finally {
    for (const { client } of sides) client.close();
  }
}
