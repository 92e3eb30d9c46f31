import { SaxesParser } from "saxes";
import { localName } from "../../marc/marcxml.ts";

/** What a caller does with the elements of a document (names and attribute names are local). */
export interface XmlHandlers {
  openTag(name: string, attributes: Record<string, string>): void;
  closeTag(name: string): void;
  text(text: string): void;
}

const ENTITY_DECLARATION = "<!ENTITY";

/**
 * A streaming saxes parser that refuses entity declarations: a DOCTYPE declaring an ENTITY ends
 * the parse before saxes has buffered it, so there is no external entity and no entity expansion
 * (an "XML bomb" costs nothing). saxes itself never fetches anything and knows only the five
 * predefined entities and character references. Text and CDATA are both delivered as text.
 *
 * Errors do not throw: the first one is kept in `error` and everything after it is ignored.
 */
export class SafeXmlParser {
  private readonly parser = new SaxesParser({ xmlns: false });
  private sawRoot = false;
  private prolog = "";
  private failure: string | undefined;

  constructor(handlers: XmlHandlers) {
    const { parser } = this;
    parser.on("opentag", (tag) => {
      this.sawRoot = true;
      if (this.failure !== undefined) return;
      const attributes: Record<string, string> = {};
      for (const [name, value] of Object.entries(tag.attributes)) {
        if (name !== "xmlns" && !name.startsWith("xmlns:")) attributes[localName(name)] = value;
      }
      handlers.openTag(localName(tag.name), attributes);
    });
    parser.on("closetag", (tag) => {
      if (this.failure === undefined) handlers.closeTag(localName(tag.name));
    });
    parser.on("text", (text) => {
      if (this.failure === undefined) handlers.text(text);
    });
    parser.on("cdata", (text) => {
      if (this.failure === undefined) handlers.text(text);
    });
    parser.on("doctype", (doctype) => {
      if (doctype.includes(ENTITY_DECLARATION)) this.fail("DOCTYPE with ENTITY declarations is not allowed");
    });
    parser.on("error", (error) => this.fail(error.message));
  }

  /** The first problem met (a well-formedness error or a refused DOCTYPE), if any. */
  get error(): string | undefined {
    return this.failure;
  }

  write(text: string): void {
    if (this.failure !== undefined || text === "") return;
    if (!this.sawRoot) {
      const window = this.prolog + text;
      if (window.includes(ENTITY_DECLARATION)) {
        this.fail("DOCTYPE with ENTITY declarations is not allowed");
        return;
      }
      this.prolog = window.slice(-ENTITY_DECLARATION.length);
    }
    this.parser.write(text);
  }

  close(): void {
    if (this.failure !== undefined) return;
    if (!this.sawRoot) {
      this.fail("empty document: no root element");
      return;
    }
    this.parser.close();
  }

  private fail(message: string): void {
    this.failure ??= message;
  }
}

/** Parses a whole XML string with the same protections; returns the error, if any. */
export function parseXmlString(text: string, handlers: XmlHandlers): string | undefined {
  const parser = new SafeXmlParser(handlers);
  parser.write(text);
  parser.close();
  return parser.error;
}
