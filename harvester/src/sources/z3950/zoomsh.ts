/**
 * Z39.50 through YAZ's `zoomsh`, run as a subprocess.
 *
 * Why zoomsh and not node-zoom2: zoomsh comes with the Debian package `yaz` (installed by
 * `.ci/run` and by the peers scripts for Zebra anyway), so a fresh clone needs no native build.
 * node-zoom2 compiles against libyaz-dev with a `yaz-config` that Debian does not ship (it needs
 * a shim on PATH, build-essential and node-gyp on every machine and every Node upgrade), and a
 * crash in native code would take the whole harvester down; a crashing or hanging zoomsh only
 * fails its own request. The cost — a process and a new connection per page — is small next to
 * the server's own search and present time for pages of ~100 records.
 *
 * Commands are passed as separate argv entries (no shell); values that could smuggle in another
 * command line (control characters) are refused before spawning.
 */
import { spawn } from "node:child_process";
import { Z3950DiagnosticError, Z3950Error, Z3950TimeoutError, ZoomshNotFoundError } from "./errors.ts";

export interface Z3950Target {
  host: string;
  port: number;
  database: string;
}

export interface ZoomshRunOptions {
  /** Kill zoomsh after this long (default 60 s). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** Path of the zoomsh binary (default "zoomsh" on PATH). */
  zoomshPath?: string;
  /** Refuse output beyond this many bytes (default 256 MiB). */
  maxOutputBytes?: number;
}

/** "127.0.0.1:9999/Default", for messages. */
export function describeTarget(target: Z3950Target): string {
  return `${target.host}:${target.port}/${target.database}`;
}

/** Throws unless host, port and database are safe to put in a zoomsh `connect` command. */
export function validateTarget(target: Z3950Target): void {
  if (!/^[A-Za-z0-9._:[\]-]+$/.test(target.host)) {
    throw new Z3950Error(`Z39.50 host is not a host name or address: ${JSON.stringify(target.host)}`);
  }
  if (!Number.isInteger(target.port) || target.port < 1 || target.port > 65535) {
    throw new Z3950Error(`Z39.50 port must be 1-65535, got ${JSON.stringify(target.port)}`);
  }
  if (!/^[A-Za-z0-9._,+-]+$/.test(target.database)) {
    throw new Z3950Error(`Z39.50 database name is not valid: ${JSON.stringify(target.database)}`);
  }
}

/** Whether `text` contains a control character (a newline would start another zoomsh command). */
export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return true;
  }
  return false;
}

/** Throws if `text` (a query or option) contains a control character. */
export function assertSingleLine(what: string, text: string): void {
  if (hasControlCharacter(text)) throw new Z3950Error(`${what} must not contain control characters`);
}

/** An ERROR line of zoomsh: "tcp:HOST:PORT/DB error: MESSAGE (SET:CODE) ADDINFO". */
const ERROR_LINE = /^\S* error: (.*?) \(([A-Za-z0-9-]+):(\d+)\)[ \t]*(.*)$/m;

/**
 * Runs zoomsh with `commands` against `target`: options (`set ...`) first, then `connect`, then
 * the rest, then `quit`. Resolves with stdout (bytes: raw records are binary). A non-zero exit
 * becomes Z3950DiagnosticError when zoomsh printed a diagnostic, else Z3950Error; the process is
 * killed on timeout (Z3950TimeoutError) or abort (the signal's reason is thrown).
 */
export async function runZoomsh(
  target: Z3950Target,
  settings: string[],
  commands: string[],
  options: ZoomshRunOptions = {},
): Promise<Buffer> {
  validateTarget(target);
  for (const command of [...settings, ...commands]) assertSingleLine("a zoomsh command", command);
  options.signal?.throwIfAborted();
  const where = describeTarget(target);
  const timeoutMs = options.timeoutMs ?? 60_000;
  const maxOutput = options.maxOutputBytes ?? 256 * 1024 * 1024;
  const args = [
    "-e",
    ...settings,
    `connect tcp:${target.host}:${target.port}/${target.database}`,
    ...commands,
    "quit",
  ];

  return new Promise<Buffer>((resolve, reject) => {
    const child = spawn(options.zoomshPath ?? "zoomsh", args, { stdio: ["ignore", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let size = 0;
    let failure: unknown;
    let settled = false;

    const stop = (reason: unknown): void => {
      failure ??= reason;
      child.kill("SIGKILL");
    };
    const timer = setTimeout(
      () => stop(new Z3950TimeoutError(`Z39.50 ${where}: no answer within ${timeoutMs} ms (zoomsh killed)`)),
      timeoutMs,
    );
    const onAbort = (): void => stop(options.signal?.reason ?? new Error("aborted"));
    options.signal?.addEventListener("abort", onAbort, { once: true });
    const finish = (error: unknown, output?: Buffer): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      if (error !== undefined) reject(error);
      else resolve(output ?? Buffer.alloc(0));
    };

    child.stdout.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxOutput)
        return stop(new Z3950Error(`Z39.50 ${where}: answer larger than ${maxOutput} bytes`));
      stdout.push(chunk);
    });
    child.stderr.on("data", (chunk: Buffer) => {
      if (stderr.length < 64) stderr.push(chunk);
    });
    child.on("error", (error: NodeJS.ErrnoException) => {
      if (error.code === "ENOENT") {
        finish(
          new ZoomshNotFoundError(
            `Z39.50 ${where}: zoomsh not found (${options.zoomshPath ?? "zoomsh"}); install YAZ: apt-get install -y yaz`,
            { cause: error },
          ),
        );
      } else {
        finish(new Z3950Error(`Z39.50 ${where}: cannot run zoomsh: ${error.message}`, { cause: error }));
      }
    });
    child.on("close", (code, signal) => {
      if (failure !== undefined) return finish(failure);
      const output = Buffer.concat(stdout);
      if (code === 0) return finish(undefined, output);
      finish(zoomshFailure(where, output, Buffer.concat(stderr), code, signal));
    });
  });
}

function zoomshFailure(
  where: string,
  stdout: Buffer,
  stderr: Buffer,
  code: number | null,
  signal: NodeJS.Signals | null,
): Error {
  const text = `${stdout.toString("utf8")}\n${stderr.toString("utf8")}`;
  const match = ERROR_LINE.exec(text);
  if (match) {
    return new Z3950DiagnosticError(
      where,
      match[2] ?? "",
      Number(match[3]),
      (match[1] ?? "").trim(),
      (match[4] ?? "").trim(),
    );
  }
  const lines = text
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "");
  const tail = lines.slice(-3).join(" | ").slice(0, 500);
  const how = signal ? `was killed by ${signal}` : `exited with ${code}`;
  return new Z3950Error(`Z39.50 ${where}: zoomsh ${how}${tail ? `: ${tail}` : ""}`);
}
