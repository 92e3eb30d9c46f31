/**
 * Per test: a fresh db of the dialect, a temporary folder, and for each member code a library with a
 * file source reading the file `writeFile` puts in that folder. Skips PostgreSQL where it is missing.
 */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach } from "vitest";
import { createSource, ensureLibrary, type Source } from "@interlend/db";
import type { Dialect } from "@interlend/db";
import { createTestDatabase, postgresAvailable, type TestDatabase } from "./databases.ts";

export interface FileSourcePod {
  /** Set while a test runs. */
  database: TestDatabase | undefined;
  sources: Source[];
}

export function fileSourcePodPerTest(
  dialect: Dialect,
  codes: string[],
  writeFile: (dir: string, code: string, index: number) => string,
  pageSize: number,
): FileSourcePod {
  const pod: FileSourcePod = { database: undefined, sources: [] };
  let dir = "";
  beforeEach(async (ctx) => {
    if (dialect === "postgres" && !(await postgresAvailable())) return ctx.skip();
    const database = await createTestDatabase(dialect);
    pod.database = database;
    dir = mkdtempSync(path.join(os.tmpdir(), "interlend-pod-"));
    pod.sources = [];
    for (const [index, code] of codes.entries()) {
      const library = await ensureLibrary(database.db, { code, name: `Library ${code}` });
      const endpoint = writeFile(dir, code, index);
      pod.sources.push(await createSource(database.db, { libraryId: library.id, name: code, protocol: "file", endpoint, options: { pageSize } }));
    }
  });
  afterEach(async () => {
    await pod.database?.dispose();
    pod.database = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return pod;
}
