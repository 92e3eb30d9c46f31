import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createMeiliTransport, startManagedMeilisearch, type MeiliTransport } from "@interlend/core/meili";

export interface TestMeili {
  url: string;
  masterKey: string;
  transport: MeiliTransport;
  /** A fresh index uid per call, so tests sharing one server never see each other's documents. */
  indexUid(prefix?: string): string;
  stop(): Promise<void>;
}

/** A real Meilisearch from the npm package, in a temp data dir, for one test file. */
export async function startTestMeili(): Promise<TestMeili> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), "interlend-meili-"));
  const managed = await startManagedMeilisearch({ dataDir });
  const transport = createMeiliTransport({ url: managed.url, apiKey: managed.masterKey });
  let counter = 0;
  return {
    url: managed.url,
    masterKey: managed.masterKey,
    transport,
    indexUid: (prefix = "test") => `${prefix}_${process.pid}_${++counter}`,
    async stop() {
      transport.close();
      await managed.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
