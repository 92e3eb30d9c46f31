/**
 * How one member catalogues a manifestation: the same book comes out differently at different
 * libraries (ISBN-10 or -13, hyphens, ISBD punctuation, subtitle spelling, author dates, missing
 * subjects, 260 or 264, with or without an 035 (OCoLC)).
 */
import { isbn13To10 } from "../../harvester/src/normalise/identifiers.ts";
import type { ControlField, DataField, MarcField, MarcRecord } from "../../harvester/src/marc/record.ts";
import type { Manifestation } from "./manifestations.ts";
import type { Random } from "./prng.ts";

function df(tag: string, ind1: string, ind2: string, ...pairs: Array<[string, string]>): DataField {
  return { tag, ind1, ind2, subfields: pairs };
}

function cf(tag: string, value: string): ControlField {
  return { tag, value };
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, "0");
}

function hyphenate13(isbn: string): string {
  return `${isbn.slice(0, 3)}-${isbn.slice(3, 4)}-${isbn.slice(4, 8)}-${isbn.slice(8, 12)}-${isbn.slice(12)}`;
}

function hyphenate10(isbn: string): string {
  return `${isbn.slice(0, 1)}-${isbn.slice(1, 5)}-${isbn.slice(5, 9)}-${isbn.slice(9)}`;
}

/** One of the ways an ISBN turns up in 020 $a. */
function isbnForm(random: Random, isbn13: string): string {
  const isbn10 = isbn13To10(isbn13);
  const forms = [isbn13, hyphenate13(isbn13), ...(isbn10 ? [isbn10, hyphenate10(isbn10)] : [])];
  const qualifier = random.chance(0.3)
    ? ` (${random.pick(["pbk.", "hbk.", "paperback", "alk. paper", "hardcover : alk. paper"])})`
    : "";
  return random.pick(forms) + qualifier;
}

function oclcForm(random: Random, oclc: number): string {
  const digits = String(oclc);
  if (oclc < 100_000_000 && random.chance(0.5)) return `(OCoLC)ocm${digits.padStart(8, "0")}`;
  if (oclc < 1_000_000_000 && random.chance(0.5)) return `(OCoLC)ocn${digits.padStart(9, "0")}`;
  return random.chance(0.5) ? `(OCoLC)${digits}` : `(OCoLC)on${digits}`;
}

/** Subtitle spelling variants cataloguers produce for the same book. */
function variantSubtitle(random: Random, subtitle: string): string {
  if (!random.chance(0.3)) return subtitle;
  return random.pick([
    subtitle.replace(/ and /g, " & "),
    subtitle.charAt(0).toUpperCase() + subtitle.slice(1),
    subtitle.replace(/twentieth/g, "20th"),
  ]);
}

function leaderFor(m: Manifestation): string {
  return m.kind === "serial" ? "00000cas a2200000 a 4500" : "00000cam a2200000 i 4500";
}

function field008(random: Random, m: Manifestation, modified: Date): string {
  const entered = `${pad(modified.getUTCFullYear() % 100)}${pad(modified.getUTCMonth() + 1)}${pad(modified.getUTCDate())}`;
  const place =
    m.language === "ger"
      ? "gw "
      : m.language === "fre"
        ? "fr "
        : m.language === "spa"
          ? "sp "
          : random.pick(["enk", "nyu", "xxu", "onc"]);
  // 18-34: material-specific. Books: 23 = form of item; continuing resources: 21 = type, 23 = form.
  const form = m.kind === "ebook" ? "o" : m.kind === "large-print" ? "d" : " ";
  const material =
    m.kind === "serial" ? "qr p       0    0" : `     ${form}     000 ${m.subjects.length ? "0" : "1"} `;
  const dateType = m.kind === "serial" ? "c" : "s";
  const date2 = m.kind === "serial" ? "9999" : "    ";
  return `${entered}${dateType}${m.year}${date2}${place}${material.padEnd(17, " ").slice(0, 17)}${m.language} d`;
}

/** The member's MARC record for a manifestation (holdings fields are added by the caller). */
export function catalogueRecord(
  random: Random,
  m: Manifestation,
  localId: string,
  modified: Date,
): MarcRecord {
  const fields: MarcField[] = [cf("001", localId)];
  const stamp = `${modified.getUTCFullYear()}${pad(modified.getUTCMonth() + 1)}${pad(modified.getUTCDate())}${pad(modified.getUTCHours())}${pad(modified.getUTCMinutes())}${pad(modified.getUTCSeconds())}.0`;
  fields.push(cf("005", stamp));
  if (m.kind === "ebook") fields.push(cf("007", "cr |n|||||||||"));
  fields.push(cf("008", field008(random, m, modified)));
  if (m.lccn && random.chance(0.7)) fields.push(df("010", " ", " ", ["a", `   ${m.lccn} `]));
  if (m.isbn13) {
    fields.push(df("020", " ", " ", ["a", isbnForm(random, m.isbn13)]));
    if (random.chance(0.05)) fields.push(df("020", " ", " ", ["z", "0000000000"]));
  }
  if (m.issn) fields.push(df("022", "0", " ", ["a", random.chance(0.8) ? m.issn : m.issn.replace("-", "")]));
  if (m.oclc !== undefined && random.chance(0.45))
    fields.push(df("035", " ", " ", ["a", oclcForm(random, m.oclc)]));
  fields.push(df("040", " ", " ", ["a", "XX"], ["b", "eng"], ["c", "XX"]));
  if (m.language !== "eng" && random.chance(0.5)) fields.push(df("041", "0", " ", ["a", m.language]));
  if (m.author) {
    const withDates = m.author.dates !== undefined && random.chance(0.7);
    fields.push(
      withDates
        ? df("100", "1", " ", ["a", `${m.author.name},`], ["d", `${m.author.dates}`])
        : df("100", "1", " ", ["a", random.chance(0.5) ? `${m.author.name}.` : m.author.name]),
    );
  }
  fields.push(titleField(random, m));
  if (m.edition) fields.push(df("250", " ", " ", ["a", m.edition]));
  fields.push(publicationField(random, m));
  fields.push(
    df("300", " ", " ", [
      "a",
      m.kind === "ebook"
        ? "1 online resource"
        : m.kind === "serial"
          ? "v. :"
          : `${random.int(80, 640)} pages ;`,
    ]),
  );
  if (random.chance(0.6)) {
    const online = m.kind === "ebook";
    fields.push(df("336", " ", " ", ["a", "text"], ["b", "txt"], ["2", "rdacontent"]));
    fields.push(
      df(
        "337",
        " ",
        " ",
        ["a", online ? "computer" : "unmediated"],
        ["b", online ? "c" : "n"],
        ["2", "rdamedia"],
      ),
    );
    fields.push(
      df(
        "338",
        " ",
        " ",
        ["a", online ? "online resource" : "volume"],
        ["b", online ? "cr" : "nc"],
        ["2", "rdacarrier"],
      ),
    );
  }
  if (m.series) fields.push(df("490", "0", " ", ["a", `${m.series} ;`], ["v", String(random.int(1, 40))]));
  // Some members skip subject cataloguing altogether.
  if (!random.chance(0.15)) {
    for (const subject of m.subjects) {
      const subdivisions = subject.subdivisions.map((s, i): [string, string] => [
        subject.tag === "651" && i === 1 ? "y" : subject.tag === "650" && s === "Periodicals" ? "v" : "x",
        s,
      ]);
      fields.push(df(subject.tag, " ", "0", ["a", subject.heading], ...subdivisions));
    }
  }
  if (m.kind === "ebook") fields.push(df("856", "4", "0", ["u", `https://ebooks.example.org/${m.workKey}`]));
  return { leader: leaderFor(m), fields };
}

function titleField(random: Random, m: Manifestation): DataField {
  const nonFiling = /^(The|A|An) /.exec(m.title)?.[0].length ?? 0;
  const ind2 = String(Math.min(nonFiling, 9));
  const responsibility =
    m.author && random.chance(0.6) ? m.author.name.split(", ").reverse().join(" ") : undefined;
  const subtitle = m.subtitle && random.chance(0.9) ? variantSubtitle(random, m.subtitle) : undefined;
  const isbd = random.chance(0.75);
  const pairs: Array<[string, string]> = [];
  if (isbd) {
    const afterTitle = subtitle ? " :" : responsibility ? " /" : ".";
    pairs.push(["a", m.title + afterTitle]);
    if (subtitle) pairs.push(["b", subtitle + (responsibility ? " /" : ".")]);
    if (responsibility) pairs.push(["c", `${random.chance(0.5) ? "by " : ""}${responsibility}.`]);
  } else {
    pairs.push(["a", m.title]);
    if (subtitle) pairs.push(["b", subtitle]);
    if (responsibility) pairs.push(["c", responsibility]);
  }
  return df("245", m.author ? "1" : "0", ind2, ...pairs);
}

function publicationField(random: Random, m: Manifestation): DataField {
  const year = random.chance(0.2) ? `c${m.year}` : String(m.year);
  const c: [string, string] = ["c", m.kind === "serial" ? `${m.year}-` : `${year}.`];
  return random.chance(0.5)
    ? df("264", " ", "1", ["a", `${m.place} :`], ["b", `${m.publisher},`], c)
    : df("260", " ", " ", ["a", `${m.place} :`], ["b", `${m.publisher},`], c);
}
