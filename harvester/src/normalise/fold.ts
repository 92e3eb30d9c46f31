/**
 * Text folded for matching and sorting: compatibility-decomposed, diacritics dropped, lower case,
 * "&" as "and", punctuation as spaces, runs of spaces collapsed.
 */
export function foldText(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/&/g, " and ")
    .replace(/[^\p{L}\p{N} ]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** A leading article of a folded title (English, German, French, Spanish, Italian; "l'" folds to "l "). */
export const LEADING_ARTICLE = /^(the|a|an|der|die|das|le|la|les|l|el|los|las|il|lo) /;
