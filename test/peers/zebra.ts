/**
 * Starts a real Index Data Zebra (Z39.50 + SRU on one port, see ../shared/peers/zebra.sh) for
 * tests, in a temp dir on a free port, loaded with the given MARC files.
 *
 *   const zebra = await startZebra({ marcFiles: ["peer.mrc"] });
 *   // zebra.host / zebra.port / zebra.database for Z39.50, zebra.sruUrl for SRU
 *   await zebra.update(["update.xml"]); await zebra.stop();
 *
 * Throws ZebraUnavailableError when the Debian packages (idzebra-2.0, yaz) are missing and cannot
 * be installed; use `zebraOrSkip` in a beforeAll to warn and skip locally but fail in CI.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { freePort } from "@interlend/core/net";
import { makePeerTestData, OaiProviderUnavailableError, PEERS_DIR, PeersFolderMissingError, runPeerScript } from "./oai-provider.ts";

const SCRIPT = path.join(PEERS_DIR, "zebra.sh");

export class ZebraUnavailableError extends Error {}

export interface ZebraOptions {
  marcFiles: string[];
}

export interface Zebra {
  host: string;
  port: number;
  database: string;
  /** http://127.0.0.1:PORT/Default */
  sruUrl: string;
  dir: string;
  /** Adds/replaces records (matched on 001); leader/05 = d deletes. */
  update(files: string[]): Promise<void>;
  stop(): Promise<void>;
}

async function zebraScript(args: string[]): Promise<string> {
  try {
    return await runPeerScript(SCRIPT, args);
  } catch (error) {
    if (error instanceof OaiProviderUnavailableError && !(error instanceof PeersFolderMissingError)) {
      throw new ZebraUnavailableError(error.message.replace(/^OAI provider/, "Zebra"), { cause: error });
    }
    throw error;
  }
}

export async function startZebra(options: ZebraOptions): Promise<Zebra> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "interlend-zebra-"));
  let port = 0;
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    try {
      await zebraScript(["start", dir, String(port), ...options.marcFiles]);
      break;
    } catch (error) {
      // Another process may grab the port between freePort() and zebrasrv's bind.
      if (attempt < 3 && /already in use|did not listen/.test((error as Error).message)) continue;
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  }
  let stopped = false;
  return {
    host: "127.0.0.1",
    port,
    database: "Default",
    sruUrl: `http://127.0.0.1:${port}/Default`,
    dir,
    update: async (files) => void (await zebraScript(["update", dir, ...files])),
    stop: async () => {
      if (stopped) return;
      stopped = true;
      await zebraScript(["stop", dir]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/**
 * For a beforeAll: the started Zebra, or undefined after a loud warning when its packages are
 * missing — except in CI (CI=true), where that fails the suite.
 */
export async function zebraOrSkip(options: ZebraOptions | (() => Promise<ZebraOptions>), suite: string): Promise<Zebra | undefined> {
  try {
    return await startZebra(typeof options === "function" ? await options() : options);
  } catch (error) {
    // No shared peers folder beside the repo: skipped like the fixture suites, even in CI.
    const skippable = error instanceof PeersFolderMissingError || (process.env.CI !== "true" && error instanceof ZebraUnavailableError);
    if (!skippable) throw error;
    console.warn(`\n!!! ${suite} SKIPPED: ${error.message} !!!\n`);
    return undefined;
  }
}

/**
 * For a beforeAll: a Zebra loaded with the peers' test records (peer.mrc, made in a temp folder),
 * or no Zebra after zebraOrSkip's warning; `stop` (for the afterAll) stops it and removes the data.
 */
export async function zebraWithPeerData(suite: string): Promise<{ zebra: Zebra | undefined; stop(): Promise<void> }> {
  const data = await mkdtemp(path.join(os.tmpdir(), "interlend-zebra-data-"));
  const removeData = () => rm(data, { recursive: true, force: true });
  let zebra: Zebra | undefined;
  try {
    zebra = await zebraOrSkip(async () => {
      await makePeerTestData(data);
      return { marcFiles: [path.join(data, "peer.mrc")] };
    }, suite);
  } catch (error) {
    await removeData();
    throw error;
  }
  return {
    zebra,
    stop: async () => {
      await zebra?.stop();
      await removeData();
    },
  };
}
