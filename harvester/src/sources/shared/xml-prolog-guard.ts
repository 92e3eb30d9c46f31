/** Longest prolog (XML declaration, PIs, comments, DOCTYPE) read before the root element. */
export const MAX_PROLOG_CHARS = 64 * 1024;

const DOCTYPE = /<!DOCTYPE/i;
const ENTITY_DECLARATION = /<!ENTITY/i;

/**
 * Guards a streaming saxes parse against hostile prologs. saxes expands no external entities and
 * reads no DTD; on top of that a DOCTYPE that declares entities is refused before saxes has
 * buffered it (billion laughs and friends), and the prolog is capped so that a huge DOCTYPE
 * cannot be buffered either. Every piece of text goes through `beforeWrite` before saxes sees it
 * and `afterWrite` after; each returns the reason to refuse the document, if there is one.
 */
export class XmlPrologGuard {
  private prolog = "";
  private passed = false;

  /** Before saxes reads `text`: a DOCTYPE may not declare entities. */
  beforeWrite(text: string): string | undefined {
    if (this.passed) return undefined;
    this.prolog += text;
    const doctype = this.prolog.search(DOCTYPE);
    if (doctype >= 0 && ENTITY_DECLARATION.test(this.prolog.slice(doctype))) {
      return "refused a DOCTYPE that declares entities (<!ENTITY: a possible XML bomb or external entity attack)";
    }
    return undefined;
  }

  /** After saxes read it, with whether the root element has opened by now. */
  afterWrite(rootOpened: boolean): string | undefined {
    if (this.passed) return undefined;
    if (rootOpened) {
      this.passed = true;
      this.prolog = "";
      return undefined;
    }
    if (this.prolog.length > MAX_PROLOG_CHARS)
      return `no root element in the first ${MAX_PROLOG_CHARS} characters of the document`;
    return undefined;
  }

  /** Nothing but white space came before the end (for "the response was empty"). */
  get sawNothing(): boolean {
    return !this.passed && this.prolog.trim() === "";
  }
}
