import { describe, expect, it } from "vitest";
import { bibtexEscape, bibtexKey, toBibtex, toRis, type Citable } from "./citation";

const hobbit: Citable = {
  id: "42",
  title: "The hobbit",
  subtitle: "or, There and back again",
  authors: ["Tolkien, J. R. R.", "Lee, Alan"],
  year: 1937,
  format: "book",
  language: "eng",
  publisher: "Allen & Unwin",
  subjects: ["Fantasy"],
  isbn: ["9780261102217"],
  issn: [],
};

describe("RIS", () => {
  it("writes one tag per line, CRLF, ending with ER", () => {
    const ris = toRis(hobbit, "https://pod.example/records/42");
    const lines = ris.split("\r\n");
    expect(lines[0]).toBe("TY  - BOOK");
    expect(lines).toContain("TI  - The hobbit: or, There and back again");
    expect(lines.filter((l) => l.startsWith("AU  - "))).toHaveLength(2);
    expect(lines).toContain("SN  - 9780261102217");
    expect(lines).toContain("UR  - https://pod.example/records/42");
    expect(ris.endsWith("ER  - \r\n")).toBe(true);
  });

  it("keeps a value on its line and falls back to GEN", () => {
    const ris = toRis({ ...hobbit, format: "zine", title: "Two\nlines", subtitle: undefined } as Citable);
    expect(ris).toContain("TY  - GEN");
    expect(ris).toContain("TI  - Two lines");
  });
});

describe("BibTeX", () => {
  it("writes an entry with a readable key and escaped fields", () => {
    const bib = toBibtex(hobbit);
    expect(bib.startsWith("@book{tolkien1937hobbit,\n")).toBe(true);
    expect(bib).toContain("  author = {Tolkien, J. R. R. and Lee, Alan}");
    expect(bib).toContain("  publisher = {Allen \\& Unwin}");
    expect(bib.trimEnd().endsWith("}")).toBe(true);
  });

  it("escapes braces and specials so a title cannot break the entry", () => {
    expect(bibtexEscape("50% of {x} _y_ #1 $2")).toBe("50\\% of \\{x\\} \\_y\\_ \\#1 \\$2");
    expect(bibtexKey({ ...hobbit, authors: ["Čapek, Karel"], year: undefined, title: "R.U.R." })).toBe("capekrur");
    expect(bibtexKey({ ...hobbit, authors: [], year: undefined, title: "" })).toBe("record42");
  });
});
