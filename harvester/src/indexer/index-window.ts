import type { UnionDocument } from "@interlend/core/meili/union-index";
import type { PageIndexWork } from "../ingest/apply-page.ts";

/**
 * The index work of several committed pages, coalesced by cluster: each cluster goes to the index
 * once per window however many of its pages touched it, and Meilisearch gets a few large batches
 * instead of one small one per page (each batch has a fixed cost that grows with the index).
 *
 * A cluster any page of the window asked to rebuild is rebuilt from the db when the window is
 * indexed, which is at least as new as every page in it; a page's own documents (of clusters it
 * created) are used only for clusters no page asked to rebuild, and a later page's document of the
 * same id wins. Every cluster of the window was queued by one of its pages, with a stamp no later
 * than `queuedAt`, so the outbox rows up to that stamp are what the window's index work settles.
 */
export class IndexWindow {
  private readonly documents = new Map<number, UnionDocument>();
  private readonly rebuild = new Set<number>();
  private queuedAt = "";

  add(work: PageIndexWork): void {
    for (const id of work.clusterIds) {
      this.rebuild.add(id);
      this.documents.delete(id);
    }
    for (const document of work.documents) {
      const id = Number(document.id);
      if (!this.rebuild.has(id)) this.documents.set(id, document);
    }
    if (work.queuedAt > this.queuedAt) this.queuedAt = work.queuedAt;
  }

  /** Clusters in the window. */
  get size(): number {
    return this.documents.size + this.rebuild.size;
  }

  /** The window's work as one page's would be, and an empty window for what comes next. */
  take(): PageIndexWork {
    const work = { documents: [...this.documents.values()], clusterIds: [...this.rebuild], queuedAt: this.queuedAt };
    this.documents.clear();
    this.rebuild.clear();
    this.queuedAt = "";
    return work;
  }
}
