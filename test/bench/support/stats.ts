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

/** One keep-alive connection, requests back to back: warm-up first, then `count` timed. */
export async function measureLatency(baseUrl: string, requests: () => BenchRequest, count: number, warmup = 200) {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const once = (request: BenchRequest) =>
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
  for (let i = 0; i < warmup; i++) await once(requests());
  const times: number[] = [];
  for (let i = 0; i < count; i++) times.push(await once(requests()));
  agent.destroy();
  times.sort((a, b) => a - b);
  return { p50: round(percentile(times, 50)), p99: round(percentile(times, 99)), count };
}
