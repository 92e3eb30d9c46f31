/** The API's search cache against a real Meilisearch: repeated searches, index changes, a dead index. */
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import {
  createMeiliTransport,
  createMeiliUnionIndexWriter,
  ensureUnionIndex,
  startManagedMeilisearch,
  type ManagedMeilisearch,
  type MeiliTransport,
  type UnionDocument,
} from "@interlend/core/meili";
import { migrateToLatest, openDatabase, type DatabaseHandle } from "@interlend/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../app.ts";
import { cachedLibraryNames } from "../library-names.ts";
import { unionDocument } from "./union-document-fixture.ts";
import { createMeiliSearchBackend, unionSearchCache } from "./meili-search-backend.ts";

let dataDir: string;
let server: ManagedMeilisearch;
let transport: MeiliTransport;
let database: DatabaseHandle;
const uid = `cache_${process.pid}`;


async function put(docs: UnionDocument[]) {
  const writer = createMeiliUnionIndexWriter(transport, uid);
  await writer.replace(docs);
  await writer.flush();
}

const appOn = (t: MeiliTransport) =>
  createApp({ db: database.db, search: createMeiliSearchBackend(t, uid), searchCache: unionSearchCache(t, 60), libraryNames: cachedLibraryNames(database.db) });
const afterRecheck = () => new Promise((resolve) => setTimeout(resolve, 300));

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(os.tmpdir(), "interlend-cache-"));
  server = await startManagedMeilisearch({ dataDir });
  transport = createMeiliTransport({ url: server.url, apiKey: server.masterKey, timeoutMs: 2_000 });
  await ensureUnionIndex(transport, uid);
  await put([unionDocument("1", "Notes on the Analytical Engine"), unionDocument("2", "A gardening book")]);
  database = openDatabase({ sqlitePath: ":memory:" });
  await migrateToLatest(database);
});

afterAll(async () => {
  transport?.close();
  await server?.stop();
  await database?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("the search cache", () => {
  it("answers a repeated search from the cache, and never past a change of the index", async () => {
    const app = appOn(transport);
    const first = await app.request("/v1/search?q=gardening");
    expect(first.headers.get("x-search-cache")).toBe("miss");
    const again = await app.request("/v1/search?q=gardening");
    expect(again.headers.get("x-search-cache")).toBe("hit");
    expect(await again.json()).toEqual(await first.json());
    // Another search is its own entry.
    expect((await app.request("/v1/search?q=gardening&sort=newest")).headers.get("x-search-cache")).toBe("miss");

    await put([unionDocument("3", "Another gardening book")]);
    await afterRecheck();
    const after = await app.request("/v1/search?q=gardening");
    expect(after.headers.get("x-search-cache")).toBe("miss");
    expect(((await after.json()) as { hits: Array<{ id: string }> }).hits.map((h) => h.id).sort()).toEqual(["2", "3"]);
  });

  it("answers 503 once the index is gone, not a kept answer", async () => {
    const other = await startManagedMeilisearch({ dataDir: path.join(dataDir, "other") });
    const otherTransport = createMeiliTransport({ url: other.url, apiKey: other.masterKey, timeoutMs: 2_000 });
    await ensureUnionIndex(otherTransport, uid);
    const app = appOn(otherTransport);
    expect((await app.request("/v1/search?q=engine")).status).toBe(200);
    expect((await app.request("/v1/search?q=engine")).headers.get("x-search-cache")).toBe("hit");
    await other.stop();
    await afterRecheck();
    const down = await app.request("/v1/search?q=engine");
    expect(down.status).toBe(503);
    expect(((await down.json()) as { type: string }).type).toContain("search-unavailable");
    otherTransport.close();
  });
});
