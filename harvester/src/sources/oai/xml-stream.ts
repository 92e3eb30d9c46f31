import { SaxesParser } from "saxes";
import { localName } from "../../marc/marcxml.ts";
import { XmlTextDecoder } from "../../marc/xml-text-decoder.ts";
import { XmlPrologGuard } from "../shared/xml-prolog-guard.ts";
import { OaiNetworkError, OaiProtocolError } from "./errors.ts";

/** What a streaming XML consumer sees: local element names, raw attributes, text. */
export interface XmlEventHandler {
  open(name: string, attributes: Readonly<Record<string, string>>): void;
  text(text: string): void;
  close(name: string): void;
}

/**
 * Parses an XML byte stream with saxes, chunk by chunk, handing events to `handler`: nothing is
 * buffered beyond the current chunk and the text node being read. Hostile prologs (a DOCTYPE
 * declaring entities, an endless prolog) are refused by XmlPrologGuard.
 *
 * Throws OaiProtocolError for XML that is not well-formed or is refused, and OaiNetworkError
 * (retryable) when the stream ends before the root element closes — a transfer cut short.
 */
export async function parseXmlStream(
  body: AsyncIterable<Uint8Array>,
  handler: XmlEventHandler,
): Promise<void> {
  const parser = new SaxesParser({ xmlns: false });
  const decoder = new XmlTextDecoder();
  const guard = new XmlPrologGuard();
  let error: string | undefined;
  let depth = 0;
  let rootClosed = false;

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

  const refuse = (reason: string | undefined): void => {
    if (reason !== undefined) throw new OaiProtocolError(reason);
  };
  const feed = (text: string): void => {
    if (text === "") return;
    refuse(guard.beforeWrite(text));
    parser.write(text);
    if (error !== undefined) throw new OaiProtocolError(`response is not well-formed XML: ${error}`);
    refuse(guard.afterWrite(depth > 0 || rootClosed));
  };

  for await (const chunk of body) feed(decoder.decode(chunk));
  feed(decoder.end());
  if (!rootClosed) {
    throw new OaiNetworkError(
      depth === 0 && guard.sawNothing
        ? "the response was empty"
        : "the response ended before the XML document was complete",
    );
  }
  parser.close();
  if (error !== undefined) throw new OaiProtocolError(`response is not well-formed XML: ${error}`);
}
