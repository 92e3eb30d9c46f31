/** Varied search parameters drawn from the bench pod's own documents: words, ISBNs, members, formats. */
import type { UnionDocument } from "@interlend/core/meili";
import { Random } from "../../generator/prng.ts";

export function searchMix(docs: UnionDocument[], seed = 7) {
  const random = new Random(seed);
  const words = [...new Set(docs.flatMap((d) => d.title.toLowerCase().split(/[^\p{L}\p{N}]+/u)).filter((w) => w.length > 3))];
  const isbns = docs.flatMap((d) => d.isbn).slice(0, 2000);
  const libraries = [...new Set(docs.flatMap((d) => d.libraries))];
  const formats = [...new Set(docs.map((d) => d.format))];
  /** A search as patrons mix them: words, an ISBN, filters, sorts. */
  const next = (): Record<string, string> => {
    const roll = random.next();
    if (roll < 0.1 && isbns.length) return { q: random.pick(isbns) };
    const q = Array.from({ length: random.int(1, 2) }, () => random.pick(words)).join(" ");
    if (roll < 0.6) return { q };
    if (roll < 0.75) return { q, library: random.pick(libraries) };
    if (roll < 0.85) return { q, format: random.pick(formats), available: "true" };
    if (roll < 0.95) return { q: "", library: random.pick(libraries), sort: "newest" };
    return { q, yearFrom: "1990", yearTo: "2020" };
  };
  return { next, random, libraries };
}
