import type { DataField, MarcField, MarcRecord } from "../../marc/record.ts";

/** Simple Dublin Core values by element local name ("title", "creator", ...), in document order. */
export type DublinCore = Record<string, string[]>;

/** dc:type (DCMI Type Vocabulary and common repository values) → leader/06. */
const TYPE_OF_RECORD: Array<[RegExp, string]> = [
  [/notated music|musical score|\bscore\b/i, "c"],
  [/cartographic|\bmap\b/i, "e"],
  [/moving ?image|video|film/i, "g"],
  [/sound|audio/i, "i"],
  [/still ?image|image|photograph|picture/i, "k"],
  [/software|dataset|data set|interactive/i, "m"],
  [/physical ?object|kit/i, "r"],
  [/text|article|book|thesis|report|paper|journal|periodical|preprint/i, "a"],
];

/** ISO 639-1 (and a few language names) → MARC language code, for common cases. */
const LANGUAGES: Record<string, string> = {
  en: "eng",
  english: "eng",
  de: "ger",
  deu: "ger",
  german: "ger",
  fr: "fre",
  fra: "fre",
  french: "fre",
  es: "spa",
  spanish: "spa",
  it: "ita",
  italian: "ita",
  nl: "dut",
  nld: "dut",
  dutch: "dut",
  pt: "por",
  portuguese: "por",
  sv: "swe",
  swedish: "swe",
  fi: "fin",
  finnish: "fin",
  da: "dan",
  no: "nor",
  nb: "nob",
  nn: "nno",
  pl: "pol",
  polish: "pol",
  cs: "cze",
  ces: "cze",
  ru: "rus",
  russian: "rus",
  ja: "jpn",
  zh: "chi",
  zho: "chi",
  ko: "kor",
  ar: "ara",
  he: "heb",
  el: "gre",
  ell: "gre",
  la: "lat",
  latin: "lat",
  hu: "hun",
  tr: "tur",
  uk: "ukr",
  ca: "cat",
  et: "est",
};

/**
 * Builds a minimal MARC 21 bibliographic record from simple Dublin Core:
 * title → 245$a (more titles → 246$a), creator → 100$a then 700$a, contributor → 700$a,
 * subject → 650 _4 $a, publisher → 260$b, date → 260$c and 008/07-10, ISBN- and ISSN-looking
 * identifiers → 020$a / 022$a, URLs → 856$u, description → 520$a, language → 008/35-37 and 041$a,
 * type → leader/06. No 001: the OAI layer gives every record its identifier.
 */
export function dublinCoreToMarc(dc: DublinCore): MarcRecord {
  const values = (element: string): string[] => dc[element] ?? [];
  const year = values("date")
    .map(yearOf)
    .find((y) => y !== undefined);
  const languages = [
    ...new Set(
      values("language")
        .map(languageCode)
        .filter((code) => code !== undefined),
    ),
  ];
  const fields: MarcField[] = [{ tag: "008", value: fixedData(year, languages[0]) }];

  for (const id of values("identifier")) {
    const isbn = isbnOf(id);
    if (isbn) fields.push(field("020", " ", " ", ["a", isbn]));
    const issn = issnOf(id);
    if (issn) fields.push(field("022", " ", " ", ["a", issn]));
  }
  if (languages.length > 1)
    fields.push(field("041", "0", " ", ...languages.map((code): [string, string] => ["a", code])));
  const [creator, ...moreCreators] = values("creator");
  if (creator) fields.push(field("100", "1", " ", ["a", creator]));
  const [title, ...moreTitles] = values("title");
  if (title) fields.push(field("245", creator ? "1" : "0", "0", ["a", title]));
  for (const other of moreTitles) fields.push(field("246", "3", " ", ["a", other]));
  const publisher = values("publisher")[0];
  const date = values("date")[0];
  const imprint: Array<[string, string]> = [];
  if (publisher) imprint.push(["b", publisher]);
  if (date) imprint.push(["c", date]);
  if (imprint.length > 0) fields.push(field("260", " ", " ", ...imprint));
  for (const description of values("description")) fields.push(field("520", " ", " ", ["a", description]));
  for (const subject of values("subject")) fields.push(field("650", " ", "4", ["a", subject]));
  for (const name of [...moreCreators, ...values("contributor")])
    fields.push(field("700", "1", " ", ["a", name]));
  for (const id of values("identifier"))
    if (/^https?:\/\//i.test(id)) fields.push(field("856", "4", "0", ["u", id]));

  fields.sort((a, b) => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0));
  return { leader: `     n${typeOfRecord(values("type"))}m a22     uu 4500`, fields };
}

function field(tag: string, ind1: string, ind2: string, ...subfields: Array<[string, string]>): DataField {
  return { tag, ind1, ind2, subfields };
}

/** 008 for books: 06 = s (single date) or n (unknown), 07-10 year, 35-37 language, 39 = d. */
function fixedData(year: string | undefined, language: string | undefined): string {
  const chars = " ".repeat(40).split("");
  const put = (at: number, text: string): void => {
    for (let i = 0; i < text.length; i++) chars[at + i] = text[i]!;
  };
  put(6, year ? "s" : "n");
  put(7, year ?? "uuuu");
  put(35, language ?? "und");
  put(39, "d");
  return chars.join("");
}

function typeOfRecord(types: string[]): string {
  for (const type of types) {
    for (const [pattern, code] of TYPE_OF_RECORD) if (pattern.test(type)) return code;
  }
  return "a";
}

function yearOf(date: string): string | undefined {
  return /\b(\d{4})\b/.exec(date)?.[1];
}

function languageCode(value: string): string | undefined {
  const key = value.trim().toLowerCase().split(/[-_]/)[0] ?? "";
  const known = LANGUAGES[key];
  if (known) return known;
  return /^[a-z]{3}$/.test(key) ? key : undefined;
}

/** An ISBN-10/13 with a valid check digit, as digits (and X); "urn:isbn:" and "ISBN " prefixes allowed. */
function isbnOf(identifier: string): string | undefined {
  const match = /^(?:urn:isbn:|isbn:?\s*)?([0-9][0-9 -]{8,16}[0-9Xx])$/i.exec(identifier.trim());
  if (!match) return undefined;
  const digits = match[1]!.replace(/[ -]/g, "").toUpperCase();
  if (digits.length === 13 && /^97[89]\d{10}$/.test(digits)) {
    let sum = 0;
    for (let i = 0; i < 12; i++) sum += Number(digits[i]) * (i % 2 === 0 ? 1 : 3);
    return (10 - (sum % 10)) % 10 === Number(digits[12]) ? digits : undefined;
  }
  if (digits.length === 10 && /^\d{9}[\dX]$/.test(digits)) {
    let sum = 0;
    for (let i = 0; i < 10; i++) sum += (digits[i] === "X" ? 10 : Number(digits[i])) * (10 - i);
    return sum % 11 === 0 ? digits : undefined;
  }
  return undefined;
}

/** An ISSN (NNNN-NNNC) with a valid check digit; "urn:issn:" and "ISSN " prefixes allowed. */
function issnOf(identifier: string): string | undefined {
  const match = /^(?:urn:issn:|issn:?\s*)?(\d{4})-?(\d{3}[\dXx])$/i.exec(identifier.trim());
  if (!match) return undefined;
  const issn = `${match[1]}${match[2]!.toUpperCase()}`;
  let sum = 0;
  for (let i = 0; i < 7; i++) sum += Number(issn[i]) * (8 - i);
  const check = (11 - (sum % 11)) % 11;
  return (check === 10 ? "X" : String(check)) === issn[7]
    ? `${issn.slice(0, 4)}-${issn.slice(4)}`
    : undefined;
}
