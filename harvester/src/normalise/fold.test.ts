import { describe, expect, it } from "vitest";
import { titleSortKey } from "../indexer/union-document.ts";
import { workKey } from "../cluster/work-key.ts";
import { foldText } from "./fold.ts";

describe("folding", () => {
  it("drops diacritics, case and punctuation", () => {
    expect(foldText("  Les Misérables : roman / Victor Hugo.")).toBe("les miserables roman victor hugo");
    expect(foldText("Salt & Pepper")).toBe("salt and pepper");
  });

  it("sorts titles without their leading article, but never eats a word's first letter", () => {
    expect(titleSortKey("The Hobbit")).toBe("hobbit");
    expect(titleSortKey("L'Étranger")).toBe("etranger");
    expect(titleSortKey("Anatomy of a murder")).toBe("anatomy of a murder");
    expect(titleSortKey("Apple pie")).toBe("apple pie");
  });

  it("gives the same work key to variant cataloguing of one unidentified work", () => {
    const base = { localId: "x", subjects: [], format: "book", language: "eng", isbns: [], issns: [], oclcNumbers: [], lccns: [] };
    const a = workKey({ ...base, title: "The Orchards of the North", authors: ["Apple, Tim, 1950-"], year: 1987 });
    const b = workKey({ ...base, title: "Orchards of the north.", authors: ["Apple, Tim."], year: 1987 });
    expect(a).toBeDefined();
    expect(a).toBe(b);
    expect(workKey({ ...base, title: "Orchards of the north", authors: ["Apple, Tim"], year: 1988 })).not.toBe(a);
  });
});
