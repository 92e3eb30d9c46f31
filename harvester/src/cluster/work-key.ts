import { foldText as fold, LEADING_ARTICLE } from "../normalise/fold.ts";
import type { NormalisedBib } from "../normalise/types.ts";

/** The first author's surname (text before the comma of "Surname, Forename"), folded. */
function authorKey(authors: string[]): string {
  const first = authors[0];
  if (!first) return "";
  const surname = first.split(",")[0] ?? first;
  return fold(surname).replace(/ /g, "").slice(0, 20);
}

/**
 * A weak work key (title + first author + year + format) for records that carry no identifier.
 * It only ever links a record WITHOUT strong keys to others (see assign-clusters.ts), so two
 * identified editions with the same title and year never merge through it. Too little text to
 * be specific (short title and no author and no year) gives no key at all.
 */
export function workKey(bib: NormalisedBib): string | undefined {
  const title = fold(bib.title).replace(LEADING_ARTICLE, "").replace(/ /g, "").slice(0, 40);
  const author = authorKey(bib.authors);
  const year = bib.year === undefined ? "" : String(bib.year);
  if (title.length < 3 || (title.length < 12 && !author && !year)) return undefined;
  return `work:${title}/${author}/${year}/${bib.format}`;
}

export function isStrongKey(key: string): boolean {
  return !key.startsWith("work:");
}
