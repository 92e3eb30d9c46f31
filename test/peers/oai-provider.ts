import { existsSync } from "node:fs";
/**
 * Starts the real third-party OAI-PMH data provider (Perl Dancer::Plugin::Catmandu::OAI, see
 * ../shared/peers/oai-provider.sh) for tests, in a temp dir on a free port.
 *
 *   const peer = await startOaiProvider({ marcFiles: ["peer.xml"], pageSize: 10 });
 *   // peer.baseUrl = http://127.0.0.1:PORT/oai
 *   await peer.update(["update.xml"]); await peer.delete(["peer0003"]); await peer.stop();
 *
 * Throws OaiProviderUnavailableError when the Debian packages are missing and cannot be
 * installed (not root, no apt), so tests can skip locally and fail in CI.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
import { freePort } from "@interlend/core/net";

const run = promisify(execFile);

export const PEERS_DIR =
  process.env.INTERLEND_PEERS ?? path.resolve(import.meta.dirname, "../../../shared/peers");
const SCRIPT = path.join(PEERS_DIR, "oai-provider.sh");

export class OaiProviderUnavailableError extends Error {}

/**
 * The peers scripts live in ../shared/peers beside the repo, like the fixtures: a clone without
 * that folder skips these suites loudly (even in CI), as the fixture-based suites do.
 */
export class PeersFolderMissingError extends OaiProviderUnavailableError {}

export interface OaiProviderOptions {
  marcFiles: string[];
  pageSize?: number;
  repoId?: string;
  /** "005": datestamps from MARC 005 (the script's default); "now": load time. */
  datestamp?: "005" | "now";
}

export interface OaiProvider {
  baseUrl: string;
  dir: string;
  /** Adds/replaces records (keyed on 001); leader/05 = d marks one deleted. */
  update(files: string[]): Promise<void>;
  /** Marks records (001 values) deleted, datestamp now. */
  delete(ids: string[]): Promise<void>;
  stop(): Promise<void>;
}

/** Runs a peers script, waiting and retrying while another apt-get/dpkg holds the lock. */
export async function runPeerScript(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): Promise<string> {
  if (!existsSync(script)) {
    throw new PeersFolderMissingError(`${script} not found: the shared peers folder is absent (set INTERLEND_PEERS to it)`);
  }
  for (let attempt = 1; ; attempt++) {
    try {
      const { stdout } = await run("bash", [script, ...args], {
        env: { ...process.env, ...env },
        timeout: 15 * 60_000,
        maxBuffer: 16 * 1024 * 1024,
      });
      return stdout;
    } catch (error) {
      const stderr = String((error as { stderr?: unknown }).stderr ?? (error as Error).message);
      if (/Could not get lock|Unable to acquire the dpkg|dpkg frontend lock/i.test(stderr) && attempt < 40) {
        await sleep(15_000);
        continue;
      }
      if (/missing .*run 'apt-get install|apt-get install .* failed|install yaz/i.test(stderr)) {
        throw new OaiProviderUnavailableError(
          `OAI provider prerequisites unavailable: ${stderr.trim().slice(-800)}`,
        );
      }
      throw new Error(`${path.basename(script)} ${args[0]} failed: ${stderr.trim().slice(-2000)}`, {
        cause: error,
      });
    }
  }
}

/** Writes the peers' test MARC (peer.xml, peer.mrc, update.xml, ...) into `outDir`. */
export async function makePeerTestData(outDir: string): Promise<void> {
  await runPeerScript(path.join(PEERS_DIR, "make-testdata.sh"), [outDir]);
}

export async function startOaiProvider(options: OaiProviderOptions): Promise<OaiProvider> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "interlend-oai-peer-"));
  const env = {
    OAI_PAGE_SIZE: String(options.pageSize ?? 10),
    OAI_REPO_ID: options.repoId ?? "peer.test",
    OAI_DATESTAMP: options.datestamp ?? "005",
  };
  const port = await freePort();
  try {
    await runPeerScript(SCRIPT, ["start", dir, String(port), ...options.marcFiles], env);
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  let stopped = false;
  return {
    baseUrl: `http://127.0.0.1:${port}/oai`,
    dir,
    update: async (files) => void (await runPeerScript(SCRIPT, ["update", dir, ...files], env)),
    delete: async (ids) => void (await runPeerScript(SCRIPT, ["delete", dir, ...ids], env)),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await runPeerScript(SCRIPT, ["stop", dir]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
