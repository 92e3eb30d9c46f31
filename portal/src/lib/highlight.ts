/**
 * Highlight snippets from the API are HTML with <mark>…</mark> around escaped text. This turns
 * one into HTML that is safe to render whatever it actually contains: the only markup that
 * survives is balanced, attribute-less <mark> / </mark>; everything else is text, escaped.
 */

const MARK_TAG = /<\s*(\/?)\s*mark\s*>/gi;

const NAMED_ENTITIES: Record<string, string> = {
  amp: "&",
  lt: "<",
  gt: ">",
  quot: '"',
  apos: "'",
  nbsp: "\u00a0",
};

/** Decodes the entities the API's escaper produces (and numeric ones), so re-escaping is exact. */
function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z]{2,6});/gi, (whole, body: string) => {
    if (body[0] === "#") {
      const hex = body[1] === "x" || body[1] === "X";
      const code = Number.parseInt(body.slice(hex ? 2 : 1), hex ? 16 : 10);
      if (!Number.isFinite(code) || code <= 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
        return whole;
      return String.fromCodePoint(code);
    }
    return NAMED_ENTITIES[body.toLowerCase()] ?? whole;
  });
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Safe HTML for a highlight snippet: escaped text plus balanced <mark> elements only. */
export function sanitizeHighlight(html: string): string {
  let out = "";
  let open = false;
  let last = 0;
  for (const match of html.matchAll(MARK_TAG)) {
    out += escapeHtml(decodeEntities(html.slice(last, match.index)));
    last = match.index + match[0].length;
    const closing = match[1] === "/";
    if (!closing && !open) {
      out += "<mark>";
      open = true;
    } else if (closing && open) {
      out += "</mark>";
      open = false;
    }
  }
  out += escapeHtml(decodeEntities(html.slice(last)));
  if (open) out += "</mark>";
  return out;
}

/** The snippet's text without any markup, e.g. to check it still says what the field says. */
export function highlightText(html: string): string {
  return decodeEntities(html.replace(MARK_TAG, ""));
}
