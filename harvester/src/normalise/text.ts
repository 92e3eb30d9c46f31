/** Small string helpers shared by the normalisers: Unicode NFC, whitespace and ISBD punctuation. */

/** NFC-normalises, collapses runs of whitespace and trims. */
export function clean(text: string): string {
  return text.normalize("NFC").replace(/\s+/g, " ").trim();
}

/** Trailing ISBD punctuation: " /", " :", " ;", " =", ".", ",", repeated, plus stray spaces. */
const TRAILING_ISBD = /(?:\s*[/:;=,]|\.)+\s*$/;

/** Words that end in a period which belongs to them (initials and common abbreviations). */
const KEEP_PERIOD =
  /(?:^|[\s,(])(?:\p{Lu}|Jr|Sr|Inc|Ltd|Co|Corp|Bros|St|Dr|etc|ed|eds|comp|cm|ca|b|d|fl)\.$/u;

/**
 * Cleans a value and strips the ISBD punctuation catalogues put before the next element. With
 * `keepAbbreviations`, a final period after an initial or a known abbreviation stays ("Smith, J.").
 */
export function trimIsbd(text: string, keepAbbreviations = false): string {
  const value = clean(text);
  if (keepAbbreviations && KEEP_PERIOD.test(value)) {
    const head = value.slice(0, -1);
    return clean(head).replace(/(?:\s*[/:;=,])+$/, "") + ".";
  }
  return value.replace(TRAILING_ISBD, "").trim();
}

/** Strips one pair of enclosing square brackets ("[London]" → "London"), as cataloguers add them. */
export function stripBrackets(text: string): string {
  const value = clean(text);
  return /^\[[^\]]*\]$/.test(value) ? value.slice(1, -1).trim() : value;
}

/** Cleans each value, drops empty ones and case-insensitive duplicates, keeping first spellings. */
export function uniqueClean(values: Iterable<string>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of values) {
    const value = clean(raw);
    const key = value.toLowerCase();
    if (value === "" || seen.has(key)) continue;
    seen.add(key);
    out.push(value);
  }
  return out;
}
