/**
 * The ground truth: works, and their manifestations (what a union catalogue should cluster).
 * Identifiers are derived from the manifestation's ordinal through bijections, so they are unique
 * among a million records without keeping a set of the ones handed out.
 */
import { isbn13CheckDigit, issnCheckDigit } from "../../harvester/src/normalise/identifiers.ts";
import type { Random } from "./prng.ts";
import * as W from "./words.ts";

export type ManifestationKind = "print" | "second-edition" | "ebook" | "large-print" | "serial";

export interface Manifestation {
  /** Records with the same workKey describe this manifestation (and should cluster together). */
  workKey: string;
  kind: ManifestationKind;
  title: string;
  subtitle?: string;
  author?: { name: string; dates?: string };
  subjects: Array<{ tag: "650" | "651"; heading: string; subdivisions: string[] }>;
  publisher: string;
  place: string;
  year: number;
  language: "eng" | "ger" | "fre" | "spa";
  edition?: string;
  series?: string;
  isbn13?: string;
  issn?: string;
  oclc?: number;
  lccn?: string;
  /** Dewey class for call numbers. */
  dewey: string;
}

const SPREAD = 387_420_489; // 3^18: coprime to 10^n, so i → i·SPREAD mod 10^n is a bijection

function isbnFor(ordinal: number, seed: number): string {
  const body = String((ordinal * SPREAD + seed * 7919) % 1_000_000_000).padStart(9, "0");
  const first12 = `978${body}`;
  return first12 + isbn13CheckDigit(first12);
}

function issnFor(ordinal: number, seed: number): string {
  const first7 = String((ordinal * 4_782_969 + seed * 31) % 10_000_000).padStart(7, "0");
  return `${first7.slice(0, 4)}-${first7.slice(4)}${issnCheckDigit(first7)}`;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function englishTitle(random: Random): string {
  switch (random.int(0, 5)) {
    case 0:
      return `The ${random.pick(W.ADJECTIVES)} ${random.pick(W.NOUNS)}`;
    case 1:
      return `${capitalise(random.pick(W.NOUNS))}s and ${random.pick(W.NOUNS)}s`;
    case 2:
      return `A history of ${random.pick(W.TOPICS)}`;
    case 3:
      return `The ${random.pick(W.NOUNS)} of ${random.pick(W.PUBLICATION_PLACES)}`;
    case 4:
      return `${capitalise(random.pick(W.ADJECTIVES))} ${random.pick(W.NOUNS)}s`;
    default:
      return `${capitalise(random.pick(W.TOPICS))} and the ${random.pick(W.ADJECTIVES)} ${random.pick(W.NOUNS)}`;
  }
}

function titleFor(random: Random, language: Manifestation["language"]): string {
  switch (language) {
    case "ger":
      return random.pick(W.GERMAN_TITLES);
    case "fre":
      return random.pick(W.FRENCH_TITLES);
    case "spa":
      return random.pick(W.SPANISH_TITLES);
    case "eng":
      return englishTitle(random);
  }
}

function deweyFor(random: Random): string {
  return `${random.int(0, 9)}${random.int(0, 9)}${random.int(0, 9)}.${random.int(1, 999)}`;
}

/**
 * Draws one family: a work's first manifestation and, sometimes, its other editions (a second
 * edition, an ebook, a large-print edition), each with its own identifiers. `next` hands out
 * manifestation ordinals; `seed` varies identifiers between consortia.
 */
export function drawFamily(random: Random, next: () => number, seed: number): Manifestation[] {
  if (random.chance(0.04)) return [drawSerial(random, next(), seed)];
  const language = random.weighted({ eng: 85, ger: 6, fre: 5, spa: 4 });
  const year = random.int(1950, 2025);
  const author = random.chance(0.93)
    ? {
        name: `${random.pick(W.SURNAMES)}, ${random.pick(W.FIRST_NAMES)}`,
        ...(random.chance(0.7)
          ? {
              dates: random.chance(0.7)
                ? `${random.int(1930, 1995)}-`
                : `${random.int(1880, 1920)}-${random.int(1950, 2015)}`,
            }
          : {}),
      }
    : undefined;
  const subjectCount = random.int(0, 3);
  const subjects: Manifestation["subjects"] = [];
  for (let i = 0; i < subjectCount; i++) {
    subjects.push(
      random.chance(0.25)
        ? { tag: "651", heading: random.pick(W.PLACES), subdivisions: ["History", random.pick(W.CENTURIES)] }
        : {
            tag: "650",
            heading: random.pick(W.SUBJECTS),
            subdivisions: random.chance(0.6) ? [random.pick(W.SUBDIVISIONS)] : [],
          },
    );
  }
  const subtitle = random.chance(0.55)
    ? random.pick(W.SUBTITLES).replace("{topic}", random.pick(W.TOPICS))
    : undefined;
  // Older books without identifiers: only title, author and year can bring their records together.
  const noIdentifiers = year < 1975 && random.chance(0.5);
  const ordinal = next();
  const base: Manifestation = {
    workKey: `m${ordinal}`,
    kind: "print",
    title: titleFor(random, language),
    ...(subtitle ? { subtitle } : {}),
    ...(author ? { author } : {}),
    subjects,
    publisher: random.pick(W.PUBLISHERS),
    place: random.pick(W.PUBLICATION_PLACES),
    year,
    language,
    ...(random.chance(0.12) ? { series: random.pick(W.SERIES) } : {}),
    ...(noIdentifiers ? {} : { isbn13: isbnFor(ordinal, seed) }),
    ...(noIdentifiers && random.chance(0.5) ? {} : { oclc: 10_000_000 + ordinal * 7 + (seed % 7) }),
    ...(!noIdentifiers && language === "eng" && random.chance(0.4) ? { lccn: lccnFor(year, ordinal) } : {}),
    dewey: deweyFor(random),
  };
  const family = [base];
  if (noIdentifiers || !random.chance(0.15)) return family;
  for (const kind of random.sample(["second-edition", "ebook", "large-print"] as const, random.int(1, 2))) {
    const n = next();
    const edition: Manifestation = {
      ...base,
      workKey: `m${n}`,
      kind,
      isbn13: isbnFor(n, seed),
      oclc: 10_000_000 + n * 7 + (seed % 7),
    };
    delete edition.lccn;
    if (kind === "second-edition") {
      edition.year = Math.min(2025, base.year + random.int(2, 10));
      edition.edition = random.pick(["2nd ed.", "Second edition.", "2nd edition, revised."]);
    } else if (kind === "large-print") {
      edition.year = Math.min(2025, base.year + random.int(0, 3));
      edition.edition = "Large print edition.";
    }
    family.push(edition);
  }
  return family;
}

function lccnFor(year: number, ordinal: number): string {
  return year >= 2001
    ? `${year}${String(ordinal % 1_000_000).padStart(6, "0")}`
    : `${String(year).slice(2)}${String(ordinal % 1_000_000).padStart(6, "0")}`;
}

function drawSerial(random: Random, ordinal: number, seed: number): Manifestation {
  const topic = random.pick(W.JOURNAL_TOPICS);
  return {
    workKey: `m${ordinal}`,
    kind: "serial",
    title: random.pick([
      `Journal of ${topic}`,
      `${topic} Quarterly`,
      `Review of ${topic}`,
      `${topic} Bulletin`,
    ]),
    subjects: [{ tag: "650", heading: random.pick(W.SUBJECTS), subdivisions: ["Periodicals"] }],
    publisher: random.pick(W.PUBLISHERS),
    place: random.pick(W.PUBLICATION_PLACES),
    year: random.int(1950, 2015),
    language: "eng",
    issn: issnFor(ordinal, seed),
    ...(random.chance(0.5) ? { oclc: 10_000_000 + ordinal * 7 + (seed % 7) } : {}),
    dewey: deweyFor(random),
  };
}
