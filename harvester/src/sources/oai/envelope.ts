import { OaiProtocolError } from "./errors.ts";
import type { XmlEventHandler } from "./xml-stream.ts";

export interface OaiErrorElement {
  code: string;
  message: string;
}

/** Longest text kept from a small element (dates, codes, messages, tokens). */
const MAX_SMALL_TEXT = 64 * 1024;

/** Collects the text of one element, mixed content included, up to a limit. */
export class TextCollector {
  private value = "";

  constructor(private readonly limit = MAX_SMALL_TEXT) {}

  add(text: string): void {
    if (this.value.length < this.limit) this.value += text.slice(0, this.limit - this.value.length);
  }

  take(): string {
    const value = this.value.trim();
    this.value = "";
    return value;
  }
}

/**
 * Reads the OAI-PMH envelope — root, `<responseDate>`, `<error>` elements — and passes every
 * event inside the `<{verb}>` element (not the element itself) to `content`.
 */
export class OaiEnvelopeParser implements XmlEventHandler {
  responseDate: string | undefined;
  readonly errors: OaiErrorElement[] = [];
  sawVerb = false;
  private inVerb = false;
  private depth = 0;
  private capture: "responseDate" | "error" | undefined;
  private errorCode = "";
  private readonly collected = new TextCollector();

  constructor(
    private readonly verb: string,
    private readonly content: XmlEventHandler,
  ) {}

  open(name: string, attributes: Readonly<Record<string, string>>): void {
    const depth = ++this.depth;
    if (depth === 1) {
      if (name !== "OAI-PMH")
        throw new OaiProtocolError(`not an OAI-PMH response: the root element is <${name}>`);
      return;
    }
    if (depth > 2) {
      if (this.inVerb) this.content.open(name, attributes);
      return;
    }
    if (name === "responseDate") this.capture = "responseDate";
    else if (name === "error") {
      this.capture = "error";
      this.errorCode = (attributes.code ?? "").trim();
    } else if (name === this.verb) this.sawVerb = this.inVerb = true;
  }

  text(text: string): void {
    if (this.capture !== undefined) this.collected.add(text);
    else if (this.inVerb && this.depth > 2) this.content.text(text);
  }

  close(name: string): void {
    const depth = this.depth--;
    if (depth > 2) {
      if (this.inVerb) this.content.close(name);
      return;
    }
    if (depth !== 2) return;
    this.inVerb = false;
    if (this.capture === "responseDate") this.responseDate = this.collected.take();
    else if (this.capture === "error")
      this.errors.push({ code: this.errorCode || "unknown", message: this.collected.take() });
    this.capture = undefined;
  }
}
