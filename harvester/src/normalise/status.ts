import type { ItemStatus } from "./types.ts";

/** A pattern matching any of the alternatives as whole words (Unicode-aware). */
function words(alternatives: string): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}])(?:${alternatives})(?![\\p{L}\\p{N}])`, "u");
}

/**
 * Status vocabulary of common ILSs (and a few German, French and Spanish OPAC words), checked in
 * order: negations and restrictions come before the plain words they contain. Temporary
 * unavailability (in transit, on the hold shelf, in processing) counts as on loan: the copy is not
 * on the shelf now but is expected back.
 */
const VOCABULARY: Array<[RegExp, ItemStatus]> = [
  [words("not checked out|not on loan|not charged"), "available"],
  [
    words(
      "missing|lost|withdrawn|weeded|discarded|deleted|stolen|not found|claims? returned|long overdue|billed|" +
        "vermisst|verloren|perdu|perdido",
    ),
    "missing",
  ],
  [
    words(
      "reference|ref|library use only|libuseonly|in library use(?: only)?|lib use only|use in library|" +
        "reading room(?: use)?(?: only)?|non ?circ(?:ulating)?|not for (?:loan|circulation)|" +
        "not (?:loanable|lendable|to be loaned)|no loans?|restricted|does not circulate|damaged|in repair|" +
        "at bindery|präsenzbestand|prasenzbestand|nicht ausleihbar|exclu du pr[eê]t|consultation sur place|" +
        "s[oó]lo consulta|no se presta",
    ),
    "not_lendable",
  ],
  [
    words(
      "not available|unavailable|checked out|checkedout|charged|on loan|loaned|due|overdue|recalled|in transit|" +
        "on ?hold(?: ?shelf)?|hold ?shelf|on ?order|in ?process(?:ing)?|being processed|out|intransit|ausgeliehen|entliehen|" +
        "emprunt[ée]|en pr[eê]t|prestado",
    ),
    "on_loan",
  ],
  [
    words(
      "available|on ?shelf|on the shelf|in|checked in|in library|item in place|verfügbar|verfugbar|ausleihbar|" +
        "disponible|en rayon",
    ),
    "available",
  ],
];

/** A bare date in a status field is a due date ("2024-03-01", "03/01/2024"). */
const BARE_DATE = /^\d{4}-\d{1,2}-\d{1,2}|^\d{1,2}\/\d{1,2}\/\d{2,4}/;

/**
 * Maps an ILS's status text ("Available", "Checked out", "Due 2024-03-01", "Library use only",
 * "In transit", ...) to an ItemStatus; `undefined` when the text is empty or not recognised.
 */
export function normaliseStatus(text: string | undefined): ItemStatus | undefined {
  const raw = (text ?? "").normalize("NFC").trim();
  const value = raw.toLowerCase().replace(/[_-]+/g, " ");
  if (value === "") return undefined;
  for (const [pattern, status] of VOCABULARY) if (pattern.test(value)) return status;
  return BARE_DATE.test(raw) ? "on_loan" : undefined;
}
