import type { Kysely } from "kysely";
import type { Database } from "@interlend/db";
import { chunk } from "../ingest/chunk.ts";
import type { PageIndexWork } from "../ingest/apply-page.ts";
import { DbTurns } from "./db-turns.ts";
import { buildClusterDocuments, libraryCodes } from "./drain-outbox.ts";
import type { UnionIndexWriter } from "./index-writer.ts";

/**
 * Indexes committed pages in the background while the harvest goes on with the next ones: one
 * page's documents in flight at a time, in commit order (Meilisearch applies tasks in the order
 * they were enqueued), and at most `maxWaiting` pages waiting behind it before `add` holds the
 * harvest back.
 *
 * The outbox guarantee holds: each page's rows stay in the outbox until Meilisearch has accepted
 * its documents, and a row re-queued by a later page (a later queued_at) is left for that page.
 * After an error nothing more is tried here; the outbox keeps the work for the next drain.
 */
export class PageIndexer {
  private chain: Promise<void> = Promise.resolve();
  /** Pages handed over and not indexed yet, oldest (the one in flight) first. */
  private readonly pending: Array<Promise<void>> = [];
  private failed = false;
  private codes: Map<number, string> | undefined;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly writer: UnionIndexWriter,
    private readonly onError?: (error: Error) => void,
    /** Shared with the harvest's page transactions. */
    private readonly turns = new DbTurns(),
    private readonly maxWaiting = 1,
  ) {}

  /** Hands over the index work of a page that committed. */
  async add(work: PageIndexWork): Promise<void> {
    if (work.documents.length === 0 && work.clusterIds.length === 0) return;
    while (this.pending.length > this.maxWaiting) await this.pending[0];
    const job = this.chain.then(() => this.index(work));
    this.chain = job;
    this.pending.push(job);
    void job.then(() => this.pending.splice(this.pending.indexOf(job), 1));
  }

  /** Resolves when every page handed over so far went to the index (or failed to). */
  async finish(): Promise<void> {
    await this.chain;
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
        const ids = [...work.documents.map((d) => Number(d.id)), ...work.clusterIds];
        for (const part of chunk(ids, 500)) {
          await db.deleteFrom("index_outbox").where("cluster_id", "in", part).where("queued_at", "<=", work.queuedAt).execute();
        }
      });
    } catch (error) {
      this.failed = true;
      this.onError?.(error as Error);
    }
  }
}
