import { describe, expect, it } from "vitest";
import { highlightText, sanitizeHighlight } from "./highlight";

describe("sanitizeHighlight", () => {
  it("keeps <mark> around escaped text", () => {
    expect(sanitizeHighlight("The <mark>hobbit</mark> &amp; co")).toBe("The <mark>hobbit</mark> &amp; co");
  });

  it("escapes any other markup", () => {
    expect(sanitizeHighlight('<img src=x onerror="alert(1)"><mark>a</mark>')).toBe(
      "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;<mark>a</mark>",
    );
    expect(sanitizeHighlight("<script>alert(1)</script>")).toBe("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("drops attributes by not treating <mark ...> as a tag", () => {
    expect(sanitizeHighlight("<mark onclick=x>a</mark>")).toBe("&lt;mark onclick=x&gt;a");
  });

  it("does not double-escape the API's entities, and re-escapes decoded ones", () => {
    expect(sanitizeHighlight("&lt;b&gt; &#39;q&#x27; &quot;")).toBe("&lt;b&gt; &#39;q&#39; &quot;");
    expect(sanitizeHighlight("&lt;script&gt;")).toBe("&lt;script&gt;");
  });

  it("balances marks", () => {
    expect(sanitizeHighlight("<mark>a<mark>b</mark></mark>c")).toBe("<mark>ab</mark>c");
    expect(sanitizeHighlight("<mark>open")).toBe("<mark>open</mark>");
    expect(sanitizeHighlight("</mark>x")).toBe("x");
  });

  it("accepts case and spacing variants of the tag", () => {
    expect(sanitizeHighlight("< MARK >a</ mark >")).toBe("<mark>a</mark>");
  });

  it("leaves invalid numeric entities alone (escaped)", () => {
    expect(sanitizeHighlight("&#0; &#xD800; &bogus;")).toBe("&amp;#0; &amp;#xD800; &amp;bogus;");
  });
});

describe("highlightText", () => {
  it("gives the plain text of a snippet", () => {
    expect(highlightText("<mark>Tolkien</mark>, J. R. R. &amp; co")).toBe("Tolkien, J. R. R. & co");
  });
});
