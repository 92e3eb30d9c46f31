/**
 * Citation export of a union record: RIS (EndNote, Zotero, Mendeley) and BibTeX. Pure functions,
 * so the download route only picks one and sets the headers.
 */

import type { UnionRecord } from "./api-types";

/** What a citation reads of a union record: its description, not its holdings. */
export type Citable = Omit<UnionRecord, "holdings" | "members">;

export type CitationFormat = "ris" | "bibtex";

const RIS_TYPES: Record<string, string> = {
  book: "BOOK",
  ebook: "EBOOK",
  serial: "SER",
  journal: "JFULL",
  article: "JOUR",
  audio: "SOUND",
  video: "VIDEO",
  music: "MUSIC",
  map: "MAP",
  score: "MUSIC",
};

const BIBTEX_TYPES: Record<string, string> = {
  book: "book",
  ebook: "book",
  article: "article",
  journal: "periodical",
  serial: "periodical",
};

function fullTitle(r: Citable): string {
  return r.subtitle ? `${r.title}: ${r.subtitle}` : r.title;
}

/** One line per tag; line breaks inside a value would start a new tag, so they become spaces. */
function risLine(tag: string, value: string): string {
  return `${tag}  - ${value.replace(/\s+/g, " ").trim()}`;
}

export function toRis(r: Citable, url?: string): string {
  const lines = [risLine("TY", RIS_TYPES[r.format ?? ""] ?? "GEN"), risLine("TI", fullTitle(r))];
  for (const a of r.authors) lines.push(risLine("AU", a));
  if (r.year !== undefined) lines.push(risLine("PY", String(r.year)));
  if (r.publisher) lines.push(risLine("PB", r.publisher));
  if (r.edition) lines.push(risLine("ET", r.edition));
  if (r.series) lines.push(risLine("T3", r.series));
  for (const s of r.subjects) lines.push(risLine("KW", s));
  for (const n of [...r.isbn, ...r.issn]) lines.push(risLine("SN", n));
  if (r.language) lines.push(risLine("LA", r.language));
  if (url) lines.push(risLine("UR", url));
  lines.push(risLine("ID", r.id));
  lines.push("ER  - ");
  return `${lines.join("\r\n")}\r\n`;
}

/** Escapes BibTeX's special characters; braces are balanced by escaping them all. */
export function bibtexEscape(value: string): string {
  return value
    .replace(/\\/g, "\\textbackslash{}")
    .replace(/([{}&%$#_])/g, "\\$1")
    .replace(/~/g, "\\textasciitilde{}")
    .replace(/\^/g, "\\textasciicircum{}")
    .replace(/\s+/g, " ")
    .trim();
}

/** A citation key: first author's surname, year, first title word ("tolkien1937hobbit"). */
export function bibtexKey(r: Citable): string {
  const ascii = (s: string) =>
    s
      .normalize("NFKD")
      .replace(/[^\p{L}\p{N}]/gu, "")
      .replace(/[^A-Za-z0-9]/g, "")
      .toLowerCase();
  const surname = ascii(r.authors[0]?.split(",")[0] ?? "");
  const word = ascii(r.title.split(/\s+/).find((w) => !/^(the|a|an|le|la|les|der|die|das)$/i.test(w)) ?? "");
  const key = `${surname}${r.year ?? ""}${word}`;
  return key || `record${r.id.replace(/[^A-Za-z0-9]/g, "")}`;
}

export function toBibtex(r: Citable, url?: string): string {
  const fields: Array<[string, string]> = [["title", fullTitle(r)]];
  if (r.authors.length > 0) fields.push(["author", r.authors.join(" and ")]);
  if (r.year !== undefined) fields.push(["year", String(r.year)]);
  if (r.publisher) fields.push(["publisher", r.publisher]);
  if (r.edition) fields.push(["edition", r.edition]);
  if (r.series) fields.push(["series", r.series]);
  if (r.isbn.length > 0) fields.push(["isbn", r.isbn.join(", ")]);
  if (r.issn.length > 0) fields.push(["issn", r.issn.join(", ")]);
  if (r.language) fields.push(["language", r.language]);
  if (r.subjects.length > 0) fields.push(["keywords", r.subjects.join(", ")]);
  if (url) fields.push(["url", url]);
  const type = BIBTEX_TYPES[r.format ?? ""] ?? "misc";
  const body = fields.map(([name, value]) => `  ${name} = {${bibtexEscape(value)}}`).join(",\n");
  return `@${type}{${bibtexKey(r)},\n${body}\n}\n`;
}
