import type { UnionDocument } from "@interlend/core/meili/union-index";

/** Where union documents go; Meilisearch in production, anything in a unit test. */
export interface UnionIndexWriter {
  replace(documents: UnionDocument[]): Promise<void>;
  remove(ids: string[]): Promise<void>;
}
