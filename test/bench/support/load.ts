/** A closed-loop load with autocannon: N connections, varied requests, for a fixed time. */
import autocannon from "autocannon";
import type { BenchRequest } from "./stats.ts";

export async function closedLoop(baseUrl: string, requests: () => BenchRequest, connections: number, seconds: number) {
  const result = await autocannon({
    url: baseUrl,
    connections,
    duration: seconds,
    requests: [
      {
        setupRequest: (request: Record<string, unknown>) => {
          const next = requests();
          return { ...request, method: next.method, path: next.path, body: next.body, headers: { ...(next.body && { "content-type": "application/json" }), ...next.headers } };
        },
      },
    ],
  });
  return {
    rps: Math.round(result.requests.average),
    p99: result.latency.p99,
    errors: result.errors + result.non2xx + result.timeouts,
  };
}
