/** Where union documents go; Meilisearch in production (core/meili), anything with this shape in a test. */
export type { UnionIndexWriter } from "@interlend/core/meili/union-index-writer";
