/**
 * A PostgreSQL cluster of the test's own (initdb + pg_ctl on a free port, data in a temp folder),
 * for fault tests that stop or restart the server. Run as the `postgres` user when we are root.
 */
import { execFile } from "node:child_process";
import { chmodSync, chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { freePort } from "@interlend/core/net";

const run = promisify(execFile);

function postgresBin(): string | undefined {
  const root = "/usr/lib/postgresql";
  if (!existsSync(root)) return undefined;
  const version = readdirSync(root).sort((a, b) => Number(b) - Number(a))[0];
  return version ? path.join(root, version, "bin") : undefined;
}

export interface ThrowawayPostgres {
  url: string;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export class PostgresBinariesMissingError extends Error {}

export async function startThrowawayPostgres(): Promise<ThrowawayPostgres> {
  const bin = postgresBin();
  if (!bin) throw new PostgresBinariesMissingError("PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql");
  const dir = mkdtempSync(path.join(os.tmpdir(), "interlend-pg-"));
  const data = path.join(dir, "data");
  const port = await freePort();
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const { stdout } = await run("id", ["-u", "postgres"]);
    const { stdout: gid } = await run("id", ["-g", "postgres"]);
    chownSync(dir, Number(stdout.trim()), Number(gid.trim()));
    chmodSync(dir, 0o700);
  }
  const pg = (tool: string, args: string[]) =>
    asRoot ? run("runuser", ["-u", "postgres", "--", path.join(bin, tool), ...args]) : run(path.join(bin, tool), args);
  await pg("initdb", ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync"]);
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  const start = () => pg("pg_ctl", ["-D", data, "-o", options, "-w", "-t", "60", "-l", path.join(dir, "log"), "start"]);
  await start();
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async restart() {
      await pg("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
      await start();
    },
    async stop() {
      await pg("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
