import { LEADER_LENGTH, readNumber } from "./iso2709-directory.ts";

const RECORD_TERMINATOR = 0x1d;

/** A record's bytes (terminator included), or bytes that could not be a record. */
export type RecordBytes = { bytes: Buffer; problem?: undefined } | { bytes: Buffer; problem: string };

/** Line breaks, blanks, NULs and DOS end-of-file bytes that some exports put between records. */
function isRecordSeparatorNoise(b: number): boolean {
  return b === 0x0a || b === 0x0d || b === 0x20 || b === 0x00 || b === 0x1a;
}

/** The first position at or after `pos` that is not separator noise (or `buf.length`). */
function skipNoise(buf: Buffer, pos: number): number {
  while (pos < buf.length && isRecordSeparatorNoise(buf[pos]!)) pos++;
  return pos;
}

/** Leader/00-04, or -1 when they are not digits. */
function leaderRecordLength(buf: Buffer, at: number): number {
  return readNumber(buf, at, 5);
}

/**
 * Cuts a byte stream into ISO 2709 records while holding at most one record (plus the current
 * chunk) in memory. The leader's record length is used when it lands on a record terminator;
 * otherwise the next terminator ends the record, which recovers lengths counted in characters,
 * overflowing 99999, or simply wrong.
 */
export class Iso2709Splitter {
  private pending: Buffer[] = [];
  private pendingLength = 0;
  /** After giving up on an oversized run of bytes, drop everything up to the next terminator. */
  private skipping = false;

  constructor(private readonly maxRecordBytes: number) {}

  *push(chunk: Uint8Array): Generator<RecordBytes> {
    let buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (this.skipping) {
      const end = buf.indexOf(RECORD_TERMINATOR);
      if (end < 0) return;
      this.skipping = false;
      buf = buf.subarray(end + 1);
    }
    if (this.pendingLength > 0) {
      // A record cannot end in a chunk without a terminator: keep collecting, copy nothing yet.
      if (buf.indexOf(RECORD_TERMINATOR) < 0) {
        yield* this.keep(buf);
        return;
      }
      buf = this.takePending(buf);
    }
    for (let pos = skipNoise(buf, 0); pos < buf.length; ) {
      const end = this.recordEnd(buf, pos);
      if (end < 0) {
        yield* this.keep(buf.subarray(pos));
        return;
      }
      yield { bytes: buf.subarray(pos, end) };
      pos = skipNoise(buf, end);
    }
  }

  /** Whatever is left when the input ends: records without the leader's help, then a truncated tail. */
  *end(): Generator<RecordBytes> {
    if (this.pendingLength === 0) return;
    const buf = this.takePending();
    for (let pos = skipNoise(buf, 0); pos < buf.length; ) {
      const terminator = buf.indexOf(RECORD_TERMINATOR, pos);
      if (terminator < 0) {
        const rest = buf.subarray(pos);
        yield {
          bytes: rest,
          problem: `truncated record: the input ends after ${rest.length} bytes without a record terminator`,
        };
        return;
      }
      yield { bytes: buf.subarray(pos, terminator + 1) };
      pos = skipNoise(buf, terminator + 1);
    }
  }

  /** The collected bytes (then `tail`, if given) as one buffer; empties the collection. */
  private takePending(tail?: Buffer): Buffer {
    const buf = Buffer.concat(tail ? [...this.pending, tail] : this.pending);
    this.pending = [];
    this.pendingLength = 0;
    return buf;
  }

  private recordEnd(buf: Buffer, start: number): number {
    const declared = leaderRecordLength(buf, start);
    const terminator = buf.indexOf(RECORD_TERMINATOR, start);
    if (declared > LEADER_LENGTH) {
      // Wait for the declared length before deciding, so a stray 0x1d inside the record is not taken as its end.
      if (start + declared > buf.length) return -1;
      const declaredEnd = start + declared;
      if (buf[declaredEnd - 1] === RECORD_TERMINATOR) {
        // An earlier terminator followed by another leader means the length was overstated.
        const earlier = terminator + 1 < declaredEnd && leaderRecordLength(buf, terminator + 1) >= 0;
        return earlier ? terminator + 1 : declaredEnd;
      }
    }
    return terminator < 0 ? -1 : terminator + 1;
  }

  private *keep(bytes: Buffer): Generator<RecordBytes> {
    this.pending.push(bytes);
    this.pendingLength += bytes.length;
    if (this.pendingLength <= this.maxRecordBytes) return;
    const head = Buffer.concat(this.pending).subarray(0, 4096);
    yield {
      bytes: head,
      problem: `no record terminator within ${this.maxRecordBytes} bytes; skipped to the next terminator`,
    };
    this.pending = [];
    this.pendingLength = 0;
    this.skipping = true;
  }
}
