import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { REPO_ROOT } from "@interlend/core";

const BUILD_DIR = path.join(REPO_ROOT, "portal", "build");

/** Newest modification time of the files below `dir` (0 when there are none). */
function newestFile(dir: string): number {
  let latest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    latest = Math.max(latest, entry.isDirectory() ? newestFile(full) : statSync(full).mtimeMs);
  }
  return latest;
}

/** Builds the SvelteKit portal when there is no build yet (a fresh clone) or its sources changed since. */
export function ensurePortalBuilt(log: (line: string) => void): void {
  const handler = path.join(BUILD_DIR, "handler.js");
  const portal = path.dirname(BUILD_DIR);
  if (existsSync(handler)) {
    const sources = Math.max(newestFile(path.join(portal, "src")), statSync(path.join(portal, "svelte.config.js")).mtimeMs);
    if (sources <= statSync(handler).mtimeMs) return;
    log("The portal's sources changed since its build; rebuilding…");
  } else {
    log("Building the portal (first start only)…");
  }
  const result = spawnSync("npm", ["run", "build", "-w", "portal"], { cwd: REPO_ROOT, stdio: ["ignore", "ignore", "inherit"] });
  if (result.status !== 0) throw new Error("portal build failed (npm run build -w portal)");
}

/** Serves the built portal's adapter-node handler in this process. */
export async function startPortalServer(apiUrl: string, host: string, port: number) {
  process.env.API_URL = apiUrl;
  // Plain HTTP here: let SvelteKit derive the origin from the Host header with http, so forms work
  // whether the browser says 127.0.0.1 or localhost. A TLS proxy in front sets the header itself.
  process.env.PROTOCOL_HEADER ??= "x-forwarded-proto";
  const { handler } = (await import(pathToFileURL(path.join(BUILD_DIR, "handler.js")).href)) as {
    handler: http.RequestListener;
  };
  const server = http.createServer((req, res) => {
    req.headers["x-forwarded-proto"] ??= "http";
    handler(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  return {
    url: `http://${host}:${actual}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
