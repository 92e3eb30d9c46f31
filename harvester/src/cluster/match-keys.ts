import type { NormalisedBib } from "../normalise/types.ts";

/**
 * Strong match keys: two records sharing any one of them describe the same work.
 * Prefixed by kind so an ISBN can never collide with an OCLC number.
 */
export function strongMatchKeys(bib: NormalisedBib): string[] {
  const keys = new Set<string>();
  for (const isbn of bib.isbns) keys.add(`isbn:${isbn}`);
  for (const issn of bib.issns) keys.add(`issn:${issn}`);
  for (const oclc of bib.oclcNumbers) keys.add(`oclc:${oclc}`);
  for (const lccn of bib.lccns) keys.add(`lccn:${lccn}`);
  return [...keys];
}
