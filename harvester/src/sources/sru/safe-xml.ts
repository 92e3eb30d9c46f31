import { SaxesParser } from "saxes";
import { localName } from "../../marc/marcxml.ts";
import { XmlPrologGuard } from "../shared/xml-prolog-guard.ts";

/** What a caller does with the elements of a document (names and attribute names are local). */
export interface XmlHandlers {
  openTag(name: string, attributes: Record<string, string>): void;
  closeTag(name: string): void;
  text(text: string): void;
}

/**
 * A streaming saxes parser behind XmlPrologGuard: a DOCTYPE declaring an ENTITY, or an endless
 * prolog, ends the parse before saxes has buffered it, so there is no external entity and no
 * entity expansion (an "XML bomb" costs nothing). saxes itself never fetches anything and knows
 * only the five predefined entities and character references. Text and CDATA are both delivered
 * as text.
 *
 * Errors do not throw: the first one is kept in `error` and everything after it is ignored.
 */
export class SafeXmlParser {
  private readonly parser = new SaxesParser({ xmlns: false });
  private readonly guard = new XmlPrologGuard();
  private sawRoot = false;
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
    parser.on("error", (error) => this.fail(error.message));
  }

  /** The first problem met (a well-formedness error or a refused DOCTYPE), if any. */
  get error(): string | undefined {
    return this.failure;
  }

  write(text: string): void {
    if (this.failure !== undefined || text === "") return;
    const refused = this.guard.beforeWrite(text);
    if (refused !== undefined) return this.fail(refused);
    this.parser.write(text);
    const tooLong = this.guard.afterWrite(this.sawRoot);
    if (tooLong !== undefined) this.fail(tooLong);
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
