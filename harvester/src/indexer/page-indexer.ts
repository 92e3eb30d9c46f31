import type { Kysely } from "kysely";
import type { Database } from "@interlend/db";
import { chunk } from "../ingest/chunk.ts";
import { sqliteFastStatements } from "../ingest/sqlite/fast-statements.ts";
import type { PageIndexWork } from "../ingest/apply-page.ts";
import { DbTurns } from "./db-turns.ts";
import { buildClusterDocuments, libraryCodes } from "./drain-outbox.ts";
import type { UnionIndexWriter } from "./index-writer.ts";
import { IndexWindow } from "./index-window.ts";

/**
 * Clusters gathered from committed pages before they go to the index together (IndexWindow): a
 * few pages' worth, so Meilisearch gets batches several times larger than a page while the
 * documents held stay a few MB.
 */
const WINDOW_CLUSTERS = 5_000;

/** Removes the outbox rows of clusters queued at or before `queuedAt`: a later queueing stays for its own window. */
async function clearOutbox(db: Kysely<Database>, clusterIds: number[], queuedAt: string): Promise<void> {
  const fast = sqliteFastStatements(db);
  // The connection is taken as Kysely would, so no one else's transaction is open on it meanwhile.
  if (fast) return db.connection().execute(async () => fast.clearOutbox(clusterIds, queuedAt));
  for (const part of chunk(clusterIds, 500)) {
    await db.deleteFrom("index_outbox").where("cluster_id", "in", part).where("queued_at", "<=", queuedAt).execute();
  }
}

/**
 * Indexes committed pages in the background while the harvest goes on with the next ones. Pages
 * are gathered into windows of about `windowClusters` clusters (IndexWindow), each cluster once per
 * window; one window's documents are in flight at a time, in commit order (Meilisearch applies tasks
 * in the order they were enqueued), and at most `maxWaiting` windows wait behind it before `add`
 * holds the harvest back. `finish` sends the last, partial window.
 *
 * The outbox guarantee holds: each page's rows stay in the outbox until Meilisearch has accepted
 * the documents of its window, and a row re-queued by a later page (a later queued_at) is left for
 * that page's window. A process killed meanwhile leaves the rows for the next drain. After an error
 * nothing more is tried here; the outbox keeps the work for the next drain.
 */
export class PageIndexer {
  private chain: Promise<void> = Promise.resolve();
  /** Windows handed over and not indexed yet, oldest (the one in flight) first. */
  private readonly pending: Array<Promise<void>> = [];
  private readonly window = new IndexWindow();
  private failed = false;
  private codes: Map<number, string> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly writer: UnionIndexWriter,
    private readonly onError?: (error: Error) => void,
    /** Shared with the harvest's page transactions. */
    private readonly turns = new DbTurns(),
    private readonly maxWaiting = 0,
    private readonly windowClusters = WINDOW_CLUSTERS,
  ) {}

  /** Hands over the index work of a page that committed. */
  async add(work: PageIndexWork): Promise<void> {
    if (work.documents.length === 0 && work.clusterIds.length === 0) return;
    this.window.add(work);
    if (this.window.size >= this.windowClusters) await this.send();
  }

  /** Resolves when every page handed over so far went to the index (or failed to). */
  async finish(): Promise<void> {
    if (this.window.size > 0) await this.send();
    await this.chain;
  }

  /** Queues the current window for indexing, after the older ones. */
  private async send(): Promise<void> {
    while (this.pending.length > this.maxWaiting) await this.pending[0];
    const work = this.window.take();
    const job = this.chain.then(() => this.index(work));
    this.chain = job;
    this.pending.push(job);
    void job.then(() => this.pending.splice(this.pending.indexOf(job), 1));
  }

  private async index(work: PageIndexWork): Promise<void> {
    if (this.failed) return;
    try {
      const { db } = this;
      const built = await this.turns.run(async () => {
        this.codes ??= await libraryCodes(db);
        return buildClusterDocuments(db, work.clusterIds, this.codes);
      });
      const documents = [...work.documents, ...built.documents];
      if (documents.length) await this.writer.replace(documents);
      if (built.empty.length) await this.writer.remove(built.empty.map(String));
      await this.turns.run(async () => {
        for (const ids of chunk(built.empty, 500)) await db.deleteFrom("clusters").where("id", "in", ids).execute();
        await clearOutbox(db, [...work.documents.map((d) => Number(d.id)), ...work.clusterIds], work.queuedAt);
      });
    } catch (error) {
      this.failed = true;
      this.onError?.(error as Error);
    }
  }
}
