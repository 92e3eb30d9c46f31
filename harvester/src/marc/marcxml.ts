import { SaxesParser } from "saxes";
import { MarcXmlRecordBuilder } from "./marcxml-builder.ts";
import type { ParsedRecord } from "./parsed.ts";
import { XmlTextDecoder } from "./xml-text-decoder.ts";

export { MarcXmlRecordBuilder, type XmlAttributes } from "./marcxml-builder.ts";

const localNames = new Map<string, string>();

/** "marc:record" → "record". */
export function localName(qualifiedName: string): string {
  const colon = qualifiedName.indexOf(":");
  if (colon < 0) return qualifiedName;
  let local = localNames.get(qualifiedName);
  if (local === undefined) {
    local = qualifiedName.slice(colon + 1);
    if (localNames.size < 1000) localNames.set(qualifiedName, local);
  }
  return local;
}

const DOCTYPE = "<!DOCTYPE";

/**
 * Streams MARCXML — a `<collection>` or a single `<record>`, with or without the `marc:` prefix
 * or namespace — emitting each record when its end tag closes, so memory stays flat.
 *
 * Security: DTDs are refused outright (a DOCTYPE ends the stream before it is parsed), so there
 * are no external entities and no entity expansion beyond the five predefined entities and
 * character references; an undefined entity is a well-formedness error.
 *
 * A malformed record element is rejected and reading continues. XML that is not well-formed
 * ends the stream with one rejection carrying the parser's message; nothing is thrown.
 */
export async function* readMarcXml(
  source: AsyncIterable<Buffer | Uint8Array | string>,
): AsyncGenerator<ParsedRecord> {
  const parser = new SaxesParser({ xmlns: false });
  const builder = new MarcXmlRecordBuilder();
  const decoder = new XmlTextDecoder();
  const ready: ParsedRecord[] = [];
  let fatal: string | undefined;
  let sawRoot = false;
  let prologTail = "";

  parser.on("opentag", (tag) => {
    sawRoot = true;
    if (fatal === undefined) builder.openTag(localName(tag.name), tag.attributes);
  });
  parser.on("closetag", (tag) => {
    if (fatal !== undefined) return;
    const parsed = builder.closeTag(localName(tag.name));
    if (parsed) ready.push(parsed);
  });
  parser.on("text", (text) => builder.text(text));
  parser.on("cdata", (text) => builder.text(text));
  parser.on("error", (error) => {
    fatal ??= error.message;
  });

  const feed = (text: string): void => {
    if (!sawRoot) {
      // Refuse DTDs before saxes buffers them: no entity definitions, no billion laughs.
      const window = prologTail + text;
      if (window.includes(DOCTYPE)) {
        fatal = "DOCTYPE declarations are not allowed in MARCXML";
        return;
      }
      prologTail = window.slice(-DOCTYPE.length);
    }
    parser.write(text);
  };

  for await (const chunk of source) {
    feed(typeof chunk === "string" ? chunk : decoder.decode(chunk));
    yield* ready.splice(0);
    if (fatal !== undefined) break;
  }
  if (fatal === undefined) {
    feed(decoder.end());
    if (fatal === undefined) parser.close();
    yield* ready.splice(0);
  }
  if (fatal !== undefined) {
    // The record open at the error, or the one that would have come next.
    yield { ok: false, reason: `XML is not well-formed: ${fatal}`, position: builder.nextPosition };
  }
}
