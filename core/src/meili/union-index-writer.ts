/**
 * Writes union documents into Meilisearch without waiting for each task: batches are enqueued back
 * to back (much faster than waiting, see BENCHMARKS.md) and `flush()` waits for all of them.
 */
import type { MeiliTransport } from "./transport.ts";
import { MeiliTaskTimeoutError } from "./errors.ts";
import { waitForTasks, type EnqueuedTask, type UnionDocument, type WaitOptions } from "./union-index.ts";

/** What the harvester needs from an index writer. */
export interface UnionIndexWriter {
  replace(documents: UnionDocument[]): Promise<void>;
  remove(ids: string[]): Promise<void>;
}

export interface MeiliUnionIndexWriter extends UnionIndexWriter {
  /** Waits for every task enqueued so far; throws MeiliTaskError if one failed. */
  flush(): Promise<void>;
  /** Uids of the tasks enqueued since the last flush. */
  readonly pendingTaskUids: readonly number[];
}

export interface MeiliUnionIndexWriterOptions {
  /** Documents (or ids) per request. Default 10,000. */
  batchSize?: number;
  /**
   * Back-pressure: with more unfinished tasks than this, wait for the older half before enqueueing
   * more (Meilisearch's task queue is bounded). Default 256.
   */
  maxPendingTasks?: number;
  /** For flush(); default 30 min (a large initial load). */
  waitTimeoutMs?: number;
}

export function createMeiliUnionIndexWriter(
  transport: MeiliTransport,
  uid: string,
  options: MeiliUnionIndexWriterOptions = {},
): MeiliUnionIndexWriter {
  const batchSize = Math.max(1, options.batchSize ?? 10_000);
  const maxPending = Math.max(1, options.maxPendingTasks ?? 256);
  const wait: WaitOptions = { timeoutMs: options.waitTimeoutMs ?? 30 * 60_000, maxIntervalMs: 250 };
  const documentsPath = `/indexes/${encodeURIComponent(uid)}/documents`;
  let pending: number[] = [];

  async function settle(uids: number[]): Promise<void> {
    try {
      await waitForTasks(transport, uids, wait);
    } catch (error) {
      // Unfinished tasks stay pending so a later flush can wait for them again.
      if (error instanceof MeiliTaskTimeoutError) pending = [...error.taskUids, ...pending];
      throw error;
    }
  }

  async function enqueue(method: "POST", path: string, body: unknown): Promise<void> {
    if (pending.length >= maxPending) {
      const older = pending.slice(0, Math.ceil(pending.length / 2));
      pending = pending.slice(older.length);
      await settle(older);
    }
    const task = await transport.request<EnqueuedTask>(method, path, body);
    pending.push(task.taskUid);
  }

  return {
    async replace(documents) {
      for (let i = 0; i < documents.length; i += batchSize) {
        await enqueue("POST", `${documentsPath}?primaryKey=id`, documents.slice(i, i + batchSize));
      }
    },
    async remove(ids) {
      for (let i = 0; i < ids.length; i += batchSize) {
        await enqueue("POST", `${documentsPath}/delete-batch`, ids.slice(i, i + batchSize));
      }
    },
    async flush() {
      if (pending.length === 0) return;
      const uids = pending;
      pending = [];
      await settle(uids);
    },
    get pendingTaskUids() {
      return pending;
    },
  };
}
