import { facetValuesFor, type UnionDocument } from "@interlend/core/meili/union-index";
import { foldText, LEADING_ARTICLE } from "../normalise/fold.ts";
import type { NormalisedBib } from "../normalise/types.ts";

export interface MemberBib {
  libraryCode: string;
  bib: NormalisedBib;
  /** Number of MARC fields: the richer record describes the work for everyone. */
  fieldCount: number;
}

export interface MemberItem {
  libraryCode: string;
  status: string;
  lendable: boolean;
}

/** More fields, subjects and identifiers make a record the better face of its cluster. */
function richness(member: MemberBib): number {
  const { bib } = member;
  return (
    member.fieldCount +
    2 * bib.subjects.length +
    2 * (bib.isbns.length + bib.issns.length + bib.oclcNumbers.length + bib.lccns.length) +
    (bib.subtitle ? 1 : 0) +
    (bib.publisher ? 1 : 0)
  );
}

function pickRichest(members: MemberBib[]): MemberBib {
  // Ties go to the lowest library code so the choice never flips between rebuilds.
  return [...members].sort(
    (a, b) => richness(b) - richness(a) || a.libraryCode.localeCompare(b.libraryCode) || a.bib.localId.localeCompare(b.bib.localId),
  )[0]!;
}

/** Sorts "The Hobbit" under H and "Éclair" with "eclair". */
export function titleSortKey(title: string): string {
  return foldText(title).replace(LEADING_ARTICLE, "");
}

export function buildUnionDocument(clusterId: number, members: MemberBib[], items: MemberItem[]): UnionDocument {
  const face = pickRichest(members).bib;
  const unique = (values: string[]) => [...new Set(values)];
  const libraries = unique(members.map((m) => m.libraryCode)).sort();
  const onShelf = items.filter((i) => i.lendable && i.status === "available");
  const availableAt = unique(onShelf.map((i) => i.libraryCode)).sort();
  const available = availableAt.length > 0;
  return {
    id: String(clusterId),
    title: face.title,
    ...(face.subtitle && { subtitle: face.subtitle }),
    titleSort: titleSortKey(face.title),
    authors: face.authors,
    subjects: unique(members.flatMap((m) => m.bib.subjects)).slice(0, 50),
    ...(face.series && { series: face.series }),
    ...(face.publisher && { publisher: face.publisher }),
    ...(face.year !== undefined && { year: face.year }),
    format: face.format,
    language: face.language,
    isbn: unique(members.flatMap((m) => m.bib.isbns)),
    issn: unique(members.flatMap((m) => m.bib.issns)),
    libraries,
    availableAt,
    holdingsCount: items.length,
    availableCount: onShelf.length,
    memberCount: libraries.length,
    available,
    facetValues: facetValuesFor({ format: face.format, language: face.language, libraries, available }),
  };
}
