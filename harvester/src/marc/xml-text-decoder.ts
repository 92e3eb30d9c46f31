import { TextDecoder } from "node:util";

/**
 * Turns XML bytes into text for a string-based parser: UTF-8 unless a byte order mark or the XML
 * declaration says otherwise. Multibyte characters split across chunks are handled; invalid
 * bytes become U+FFFD.
 */
export class XmlTextDecoder {
  private decoder: TextDecoder | undefined;
  private head: Uint8Array = new Uint8Array(0);

  decode(chunk: Uint8Array): string {
    if (this.decoder) return this.decoder.decode(chunk, { stream: true });
    // Wait for enough bytes to read the XML declaration (or the end of the input).
    const head = new Uint8Array(this.head.length + chunk.length);
    head.set(this.head);
    head.set(chunk, this.head.length);
    if (head.length < 256) {
      this.head = head;
      return "";
    }
    this.head = new Uint8Array(0);
    this.decoder = new TextDecoder(detectEncoding(head));
    return this.decoder.decode(head, { stream: true });
  }

  end(): string {
    if (this.decoder) return this.decoder.decode();
    const head = this.head;
    this.head = new Uint8Array(0);
    return new TextDecoder(detectEncoding(head)).decode(head);
  }
}

function detectEncoding(head: Uint8Array): string {
  if (head[0] === 0xff && head[1] === 0xfe) return "utf-16le";
  if (head[0] === 0xfe && head[1] === 0xff) return "utf-16be";
  const prolog = Buffer.from(head.buffer, head.byteOffset, Math.min(head.length, 256)).toString("latin1");
  const declared = /^(?:\ufeff|\xef\xbb\xbf)?\s*<\?xml[^>]*\bencoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(
    prolog,
  )?.[1];
  if (!declared) return "utf-8";
  try {
    return new TextDecoder(declared).encoding;
  } catch {
    return "utf-8"; // unknown label: read as UTF-8 rather than fail
  }
}
