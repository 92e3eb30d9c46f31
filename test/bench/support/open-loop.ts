/**
 * An open-loop load at a fixed arrival rate: request i is due at start + i / rate, whatever the
 * answers so far, over a keep-alive pool of at most `connections` sockets. Latency runs from the
 * moment a request was due (not from when a free socket sent it), so time spent queueing behind a
 * slow server counts: no coordinated omission.
 *
 * Why not autocannon's overallRate: it gives each connection rate/connections requests per
 * second, sent back to back at the top of each second with every connection's second aligned, so
 * a "200 req/s" run is a burst of 200 requests each second; and its coordinated-omission
 * correction uses 1/rate as a millisecond interval, filling the histogram with made-up samples.
 */
import http from "node:http";
import { percentile, round, type BenchRequest } from "./stats.ts";

export interface KindedRequest extends BenchRequest {
  /** What the request is, for per-kind figures ("search", "copies", …). */
  kind: string;
}

export interface OpenLoopOptions {
  rate: number;
  seconds: number;
  connections: number;
  /** An answer slower than this is an error (default 10 s). */
  timeoutMs?: number;
  onAnswer?: (request: KindedRequest, status: number, body: string, headers: http.IncomingHttpHeaders) => void;
}

export interface LatencyFigures {
  count: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
}

export interface OpenLoopResult extends LatencyFigures {
  rate: number;
  achievedRps: number;
  errors: number;
  byKind: Record<string, LatencyFigures>;
}

function figures(latencies: number[]): LatencyFigures {
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    count: sorted.length,
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    maxMs: round(sorted.at(-1) ?? Number.NaN),
  };
}

export async function openLoop(baseUrl: string, next: () => KindedRequest, options: OpenLoopOptions): Promise<OpenLoopResult> {
  const url = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.connections });
  const timeoutMs = options.timeoutMs ?? 10_000;
  const total = Math.round(options.rate * options.seconds);
  const all: number[] = [];
  const byKind = new Map<string, number[]>();
  let errors = 0;
  let sent = 0;
  let answered = 0;

  const send = (request: KindedRequest, dueAt: number) =>
    new Promise<void>((resolve) => {
      const finish = (status: number, body: string, headers: http.IncomingHttpHeaders = {}) => {
        const latency = performance.now() - dueAt;
        if (status === 0 || status >= 400) errors++;
        all.push(latency);
        const ofKind = byKind.get(request.kind) ?? [];
        ofKind.push(latency);
        byKind.set(request.kind, ofKind);
        options.onAnswer?.(request, status, body, headers);
        answered++;
        resolve();
      };
      const req = http.request(
        {
          host: url.hostname,
          port: url.port,
          method: request.method,
          path: request.path,
          agent,
          timeout: timeoutMs,
          headers: { ...(request.body && { "content-type": "application/json" }), ...request.headers },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on("data", (chunk: Buffer) => chunks.push(chunk));
          res.on("end", () => finish(res.statusCode ?? 0, Buffer.concat(chunks).toString("utf8"), res.headers));
        },
      );
      req.on("timeout", () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on("error", (error) => finish(0, error.message));
      req.end(request.body);
    });

  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (sent < total) {
        const dueAt = started + (sent * 1000) / options.rate;
        if (dueAt > now) break;
        inFlight.push(send(next(), dueAt));
        sent++;
      }
      if (sent >= total) resolve();
      else setTimeout(tick, Math.max(0, Math.min(5, started + (sent * 1000) / options.rate - performance.now())));
    };
    tick();
  });
  await Promise.all(inFlight);
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return {
    rate: options.rate,
    achievedRps: Math.round(answered / seconds),
    errors,
    ...figures(all),
    byKind: Object.fromEntries([...byKind].map(([kind, latencies]) => [kind, figures(latencies)])),
  };
}
