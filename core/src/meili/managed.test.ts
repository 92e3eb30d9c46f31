import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { connectMeilisearch } from "./connect.ts";
import { MeiliApiError, MeiliBinaryError, MeiliError, MeiliUnreachableError } from "./errors.ts";
import { freePort } from "../net.ts";
import { MEILI_MASTER_KEY_FILE, startManagedMeilisearch } from "./managed.ts";
import { createMeiliTransport } from "./transport.ts";
import { ensureUnionIndex } from "./union-index.ts";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), "interlend-managed-"));
  dirs.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("startManagedMeilisearch", () => {
  it("runs, keeps its master key (0600) and data across restarts, and stops cleanly", async () => {
    const dataDir = tempDir();
    const first = await startManagedMeilisearch({ dataDir });
    const keyFile = path.join(dataDir, MEILI_MASTER_KEY_FILE);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(readFileSync(keyFile, "utf8").trim()).toBe(first.masterKey);
    expect(Buffer.from(first.masterKey, "base64url").length).toBeGreaterThanOrEqual(32);
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const authed = createMeiliTransport({ url: first.url, apiKey: first.masterKey });
    expect(await authed.request("GET", "/health")).toEqual({ status: "available" });
    await ensureUnionIndex(authed, "kept");

    // Production mode: the key is required.
    const anonymous = createMeiliTransport({ url: first.url });
    const refused = await anonymous.request("GET", "/indexes").catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(MeiliApiError);
    expect((refused as MeiliApiError).status).toBe(401);
    expect((refused as MeiliApiError).code).toBe("missing_authorization_header");
    anonymous.close();

    await first.stop();
    expect(alive(first.pid)).toBe(false);
    await first.stop(); // idempotent

    const down = await authed.request("GET", "/health").catch((e: unknown) => e);
    expect(down).toBeInstanceOf(MeiliUnreachableError);
    expect(down).toBeInstanceOf(MeiliError);
    expect((down as MeiliUnreachableError).code).toBe("ECONNREFUSED");
    authed.close();

    const second = await startManagedMeilisearch({ dataDir });
    try {
      expect(second.masterKey).toBe(first.masterKey);
      const again = createMeiliTransport({ url: second.url, apiKey: second.masterKey });
      const index = await again.request<{ uid: string; primaryKey: string }>("GET", "/indexes/kept");
      expect(index).toMatchObject({ uid: "kept", primaryKey: "id" });
      again.close();
    } finally {
      await second.stop();
    }
    expect(alive(second.pid)).toBe(false);
  });

  it("throws MeiliBinaryError naming MEILI_URL when the binary cannot run", async () => {
    const dataDir = tempDir();
    const missing = startManagedMeilisearch({ dataDir, binary: path.join(dataDir, "nope") });
    await expect(missing).rejects.toBeInstanceOf(MeiliBinaryError);
    await expect(missing).rejects.toThrow(/MEILI_URL/);

    const notElf = path.join(dataDir, "not-a-binary");
    writeFileSync(notElf, "this is not a program\n");
    chmodSync(notElf, 0o755);
    await expect(startManagedMeilisearch({ dataDir, binary: notElf })).rejects.toThrow(MeiliBinaryError);

    const otherCpu = path.join(dataDir, "aarch64-binary");
    const header = Buffer.alloc(64);
    header.write("\x7fELF", 0, "latin1");
    header.writeUInt16LE(process.arch === "arm64" ? 0x3e : 0xb7, 18);
    writeFileSync(otherCpu, header);
    chmodSync(otherCpu, 0o755);
    await expect(startManagedMeilisearch({ dataDir, binary: otherCpu })).rejects.toThrow(/another processor/);
  });

  it("reports the server's last output when it exits or never becomes healthy", async () => {
    const dataDir = tempDir();
    const crashing = path.join(dataDir, "crashing.sh");
    writeFileSync(crashing, "#!/bin/sh\necho 'Error: the database is locked by another process' >&2\nexit 3\n");
    chmodSync(crashing, 0o755);
    const lines: string[] = [];
    const crash = await startManagedMeilisearch({ dataDir, binary: crashing, log: (l) => lines.push(l) }).catch((e: unknown) => e);
    expect(crash).toBeInstanceOf(MeiliError);
    expect((crash as Error).message).toMatch(/exited with code 3[\s\S]*database is locked/);
    expect(lines).toContain("Error: the database is locked by another process");

    const silent = path.join(dataDir, "silent.sh");
    writeFileSync(silent, "#!/bin/sh\necho 'starting slowly' >&2\nexec sleep 30\n");
    chmodSync(silent, 0o755);
    const started = Date.now();
    const hung = await startManagedMeilisearch({ dataDir, binary: silent, startTimeoutMs: 300 }).catch((e: unknown) => e);
    expect((hung as Error).message).toMatch(/did not answer GET .*\/health within 300 ms[\s\S]*starting slowly/);
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe("connectMeilisearch", () => {
  it("starts the embedded server when MEILI_URL is unset, and uses a given one otherwise", async () => {
    const dataDir = tempDir();
    const embedded = await connectMeilisearch({ dataDir, MEILI_URL: undefined, MEILI_MASTER_KEY: undefined });
    try {
      expect(embedded.managed).toBe(true);
      expect(await embedded.transport.request("GET", "/health")).toEqual({ status: "available" });

      const external = await connectMeilisearch({ dataDir, MEILI_URL: embedded.url, MEILI_MASTER_KEY: embedded.apiKey });
      expect(external.managed).toBe(false);
      expect(await external.transport.request("GET", "/version")).toMatchObject({ pkgVersion: expect.stringMatching(/^1\.21\./) });
      await external.close();
      // Closing the external connection leaves the server running.
      expect(await embedded.transport.request("GET", "/health")).toEqual({ status: "available" });

      await expect(
        connectMeilisearch({ dataDir, MEILI_URL: embedded.url, MEILI_MASTER_KEY: "wrong-key-wrong-key" }),
      ).rejects.toThrow(/MEILI_MASTER_KEY/);
    } finally {
      await embedded.close();
    }
  });

  it("names MEILI_URL when the given server is unreachable", async () => {
    const port = await freePort();
    const attempt = connectMeilisearch({ dataDir: tempDir(), MEILI_URL: `http://127.0.0.1:${port}`, MEILI_MASTER_KEY: undefined });
    await expect(attempt).rejects.toBeInstanceOf(MeiliUnreachableError);
    await expect(attempt).rejects.toThrow(/MEILI_URL=http:\/\/127\.0\.0\.1/);
  });
});
