import type { AddressInfo } from "node:net";
import { serve, type ServerType } from "@hono/node-server";
import { createApp, type AppDeps } from "./app.ts";

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves the API on host:port (port 0 = any free port). */
export async function startApiServer(deps: AppDeps, host: string, port: number): Promise<RunningServer> {
  const app = createApp(deps);
  const server: ServerType = await new Promise((resolve, reject) => {
    const s = serve({ fetch: app.fetch, hostname: host, port }, () => resolve(s));
    s.once("error", reject);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}
