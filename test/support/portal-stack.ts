/**
 * The whole pod for browser tests, for real: Meilisearch, a SQLite db with a generated consortium,
 * the API with a harvest scheduler, and the built portal, each on a free port in this process.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createMeiliUnionIndexWriter, ensureUnionIndex } from "@interlend/core/meili";
import { createPatron, createUser, listLibraries, type Library } from "@interlend/db";
import { toIso2709 } from "@interlend/harvester/marc/writers";
import { runHarvest } from "@interlend/harvester/run/run-harvest";
import { HarvestScheduler } from "@interlend/harvester/schedule/scheduler";
import { cachedLibraryNames } from "@interlend/search-api/library-names";
import { startApiServer, type RunningServer } from "@interlend/search-api/server";
import { createMeiliSearchBackend } from "@interlend/search-api/services/meili-search-backend";
import { harvestDemoConsortium } from "../../scripts/demo.ts";
import { ensurePortalBuilt, startPortalServer } from "../../scripts/portal-server.ts";
import { createTestDatabase, type TestDatabase } from "./databases.ts";
import { bibRecord } from "./marc-factory.ts";
import { startTestMeili, type TestMeili } from "./meili.ts";

export const ADMIN = { email: "admin@pod.test", password: "admin password 1", name: "Ada Admin" };
export const STAFF = { email: "lender@pod.test", password: "lender password 1", name: "Lena Lender" };
export const PATRON = { cardNumber: "2100001", pin: "4321", name: "Pat Patron" };
/** A MARC file in the import folder, for an admin to add as a new source. */
export const EXTRA_FILE = "browser-extra.mrc";

export interface PortalStack {
  apiUrl: string;
  portalUrl: string;
  database: TestDatabase;
  libraries: Library[];
  /** The patron's member library. */
  patronLibrary: Library;
  /** The staff member's library (a different member, so it can lend to the patron). */
  staffLibrary: Library;
  stop(): Promise<void>;
}

export async function startPortalStack(options: { records?: number; log?: (line: string) => void } = {}): Promise<PortalStack> {
  const log = options.log ?? (() => {});
  const cleanups: Array<() => Promise<void> | void> = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup();
  };
  try {
    ensurePortalBuilt(log);
    const meili: TestMeili = await startTestMeili();
    cleanups.push(() => meili.stop());
    const database = await createTestDatabase("sqlite");
    cleanups.push(() => database.dispose());
    const dataDir = mkdtempSync(path.join(os.tmpdir(), "interlend-browser-"));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const imports = path.join(dataDir, "imports");
    mkdirSync(imports);
    writeFileSync(
      path.join(imports, EXTRA_FILE),
      Buffer.concat([
        ...Array.from({ length: 25 }, (_, i) =>
          toIso2709(bibRecord({ id: `bx${i}`, title: `Browser harvest title ${i}`, isbns: [], items: [[`bx-b${i}`, "available"]] })),
        ),
        Buffer.from("NOT A MARC RECORD\x1d"),
      ]),
    );

    const indexUid = meili.indexUid("browser");
    await ensureUnionIndex(meili.transport, indexUid);
    const index = createMeiliUnionIndexWriter(meili.transport, indexUid);
    const db = database.db;
    await harvestDemoConsortium({ db, index, dataDir, records: options.records ?? 600, log, showProgress: false });
    await index.flush();

    const libraries = await listLibraries(db);
    const patronLibrary = libraries[0]!;
    const staffLibrary = libraries[1]!;
    await createUser(db, { ...ADMIN, role: "admin" });
    await createUser(db, { ...STAFF, role: "staff", libraryId: staffLibrary.id });
    await createPatron(db, { libraryId: patronLibrary.id, ...PATRON });

    const scheduler = new HarvestScheduler({
      db,
      run: async (source) => {
        const run = await runHarvest({ db, source, index });
        await index.flush();
        return run;
      },
    });
    cleanups.push(() => scheduler.stop());
    const api: RunningServer = await startApiServer(
      {
        db,
        search: createMeiliSearchBackend(meili.transport, indexUid),
        libraryNames: cachedLibraryNames(db),
        harvests: scheduler,
        fileRoots: [imports],
      },
      "127.0.0.1",
      0,
    );
    cleanups.push(() => api.close());
    const portal = await startPortalServer(api.url, "127.0.0.1", 0);
    cleanups.push(() => portal.close());
    return { apiUrl: api.url, portalUrl: portal.url, database, libraries, patronLibrary, staffLibrary, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
