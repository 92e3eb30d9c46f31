/** Property tests: any query string the API accepts builds a Meilisearch body without throwing or injecting filters. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { buildMeiliSearch, searchQuerySchema, toHighlightHtml } from "@interlend/search-api/services/search-query";

const hostile = fc.constantFrom("' OR 1=1 --", '"; DROP TABLE bib_records; --', "format = book OR 1 = 1", "]] [[", "\\\"", "../../etc/passwd", "<script>alert(1)</script>", "\u0000", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢");

describe("search query builder under fuzz", () => {
  it("validates or rejects any parameters, and never throws past validation", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom("q", "format", "language", "library", "available", "yearFrom", "yearTo", "sort", "page", "limit", "x"), fc.oneof(fc.string({ maxLength: 80 }), hostile, fc.array(fc.oneof(fc.string({ maxLength: 10 }), hostile), { maxLength: 4 }))),
        (params) => {
          const parsed = searchQuerySchema.safeParse(params);
          if (!parsed.success) return;
          const body = buildMeiliSearch(parsed.data);
          const filters = body.filter as string[];
          // Every filter clause keeps user text inside quotes: no clause escapes into a bare OR/AND.
          for (const clause of filters) expect(clause).not.toMatch(/^\s*(OR|AND)\b/);
          expect(JSON.stringify(body).length).toBeLessThan(100_000);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("hostile q text is a search string, never a filter", () => {
    for (const q of ["format = book OR 1 = 1", "' OR 1=1 --", "available = true"]) {
      const body = buildMeiliSearch(searchQuerySchema.parse({ q }));
      expect(body.q).toBe(q);
      expect(body.filter).toEqual([]);
    }
  });

  it("highlight HTML never lets markup through", () => {
    fc.assert(
      fc.property(fc.string(), (text) => {
        const html = toHighlightHtml(text);
        expect(html.replace(/<\/?mark>/g, "")).not.toMatch(/[<>]/);
      }),
    );
  });
});
