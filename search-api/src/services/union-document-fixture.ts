/** For tests: a union document with plausible defaults, facet values derived from its fields. */
import { facetValuesFor, type UnionDocument } from "@interlend/core/meili";

export function unionDocument(id: string, title: string, overrides: Partial<UnionDocument> = {}): UnionDocument {
  const document = {
    id,
    title,
    titleSort: title.toLowerCase(),
    authors: ["Ada Lovelace"],
    subjects: [],
    year: 1843,
    format: "book",
    language: "eng",
    isbn: [],
    issn: [],
    libraries: ["ALB"],
    availableAt: ["ALB"],
    holdingsCount: 1,
    availableCount: 1,
    memberCount: 1,
    available: true,
    ...overrides,
  };
  return { ...document, facetValues: facetValuesFor(document) };
}
