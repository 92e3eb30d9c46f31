import { SaxesParser } from "saxes";
import { localName } from "../../marc/marcxml.ts";
import { XmlTextDecoder } from "../../marc/xml-text-decoder.ts";
import { OaiNetworkError, OaiProtocolError } from "./errors.ts";

/** What a streaming XML consumer sees: local element names, raw attributes, text. */
export interface XmlEventHandler {
  open(name: string, attributes: Readonly<Record<string, string>>): void;
  text(text: string): void;
  close(name: string): void;
}

/** Longest prolog (XML declaration, PIs, comments, DOCTYPE) read before the root element. */
const MAX_PROLOG_CHARS = 64 * 1024;
const DOCTYPE = /<!DOCTYPE/i;
const ENTITY_DECLARATION = /<!ENTITY/i;

/**
 * Parses an XML byte stream with saxes, chunk by chunk, handing events to `handler`: nothing is
 * buffered beyond the current chunk and the text node being read.
 *
 * Security: saxes expands no external entities and reads no DTD; on top of that, a DOCTYPE that
 * declares entities is refused before it reaches the parser (billion laughs and friends), and
 * the prolog is capped so a huge DOCTYPE cannot be buffered either.
 *
 * Throws OaiProtocolError for XML that is not well-formed, and OaiNetworkError (retryable) when
 * the stream ends before the root element closes — a transfer cut short.
 */
export async function parseXmlStream(
  body: AsyncIterable<Uint8Array>,
  handler: XmlEventHandler,
): Promise<void> {
  const parser = new SaxesParser({ xmlns: false });
  const decoder = new XmlTextDecoder();
  let error: string | undefined;
  let depth = 0;
  let rootClosed = false;
  let prolog = "";

  parser.on("opentag", (tag) => {
    depth++;
    handler.open(localName(tag.name), tag.attributes);
  });
  parser.on("closetag", (tag) => {
    depth--;
    if (depth === 0) rootClosed = true;
    handler.close(localName(tag.name));
  });
  parser.on("text", (text) => {
    if (depth > 0) handler.text(text);
  });
  parser.on("cdata", (text) => handler.text(text));
  parser.on("error", (failure) => {
    error ??= failure.message;
  });

  const feed = (text: string): void => {
    if (text === "") return;
    const inProlog = depth === 0 && !rootClosed;
    if (inProlog) refuseEntities((prolog += text));
    parser.write(text);
    if (error !== undefined) throw new OaiProtocolError(`response is not well-formed XML: ${error}`);
    if (depth > 0 || rootClosed) prolog = "";
    else if (prolog.length > MAX_PROLOG_CHARS) {
      throw new OaiProtocolError(
        `no root element in the first ${MAX_PROLOG_CHARS} characters of the response`,
      );
    }
  };

  for await (const chunk of body) feed(decoder.decode(chunk));
  feed(decoder.end());
  if (!rootClosed) {
    throw new OaiNetworkError(
      depth === 0 && prolog.trim() === ""
        ? "the response was empty"
        : "the response ended before the XML document was complete",
    );
  }
  parser.close();
  if (error !== undefined) throw new OaiProtocolError(`response is not well-formed XML: ${error}`);
}

/** Checked before saxes sees the text: a DOCTYPE may not declare entities. */
function refuseEntities(prolog: string): void {
  const doctype = prolog.search(DOCTYPE);
  if (doctype >= 0 && ENTITY_DECLARATION.test(prolog.slice(doctype))) {
    throw new OaiProtocolError(
      "refused a DOCTYPE that declares entities (possible XML bomb or external entity attack)",
    );
  }
}
