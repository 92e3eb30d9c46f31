/** What `zoomsh ... search ... show START COUNT raw` printed, split into its parts. */
export interface ZoomshOutput {
  /** From "HOST: N hits"; undefined when no search line was printed. */
  hits?: number;
  records: ZoomshRecord[];
}

export interface ZoomshRecord {
  /** 0-based position in the result set. */
  index: number;
  /** As zoomsh names it: "USmarc", "XML", "OPAC", ... */
  syntax: string;
  /** The record as the target sent it (`raw` rendering). */
  bytes: Buffer;
  /** Set when the record could not be cut out of the output cleanly. */
  problem?: string;
}

const NEWLINE = 0x0a;
const RECORD_TERMINATOR = 0x1d;
const HITS = /: (\d+) hits$/;
const HEADER = /^(\d+) database=\S* syntax=(\S*) schema=\S*$/;

/** Syntaxes whose raw rendering is ISO 2709 (ends with the record terminator 0x1D). */
function isIso2709Syntax(syntax: string): boolean {
  return /marc/i.test(syntax) && !/xml/i.test(syntax);
}

/**
 * Parses zoomsh's stdout: the "HOST: N hits" line, then for each record a header line
 * "INDEX database=DB syntax=SYNTAX schema=SCHEMA", the raw record and a newline.
 *
 * ISO 2709 records are binary and may contain anything but their terminator, so they are cut at
 * the record terminator (0x1D); other syntaxes (XML, OPAC-XML) run to the next header line of the
 * expected next index, or to the end of the output.
 */
export function parseZoomshOutput(output: Buffer): ZoomshOutput {
  const result: ZoomshOutput = { records: [] };
  let offset = 0;
  while (offset < output.length) {
    const lineEnd = indexOrEnd(output, NEWLINE, offset);
    const line = output.toString("latin1", offset, lineEnd).replace(/\r$/, "");
    offset = lineEnd + 1;
    const hits = HITS.exec(line);
    if (hits && result.records.length === 0) {
      result.hits = Number(hits[1]);
      continue;
    }
    const header = HEADER.exec(line);
    if (!header) continue; // "SearchResult-1: term=... cnt=..." and other chatter
    const index = Number(header[1]);
    const syntax = header[2] ?? "";
    const start = offset;
    let end: number;
    let problem: string | undefined;
    if (isIso2709Syntax(syntax)) {
      const terminator = output.indexOf(RECORD_TERMINATOR, start);
      const nextHeader = findHeader(output, start, index + 1);
      if (terminator >= 0 && (nextHeader < 0 || terminator < nextHeader)) {
        end = terminator + 1;
        offset = output[end] === NEWLINE ? end + 1 : end;
      } else {
        end = nextHeader >= 0 ? nextHeader - 1 : trimTrailingNewline(output, output.length);
        problem = "ISO 2709 record without a record terminator";
        offset = nextHeader >= 0 ? nextHeader : output.length;
      }
    } else {
      const nextHeader = findHeader(output, start, index + 1);
      const stop = nextHeader >= 0 ? nextHeader : output.length;
      end = trimTrailingNewline(output, stop);
      offset = stop;
    }
    const record: ZoomshRecord = { index, syntax, bytes: output.subarray(start, Math.max(start, end)) };
    if (problem) record.problem = problem;
    result.records.push(record);
  }
  return result;
}

function indexOrEnd(buffer: Buffer, byte: number, from: number): number {
  const at = buffer.indexOf(byte, from);
  return at < 0 ? buffer.length : at;
}

/** Offset of the line "INDEX database=..." at or after `from` (at a line start), or -1. */
function findHeader(buffer: Buffer, from: number, index: number): number {
  const needle = Buffer.from(`\n${index} database=`, "latin1");
  let at = buffer.indexOf(needle, from - 1);
  while (at >= 0) {
    const lineStart = at + 1;
    const lineEnd = indexOrEnd(buffer, NEWLINE, lineStart);
    if (HEADER.test(buffer.toString("latin1", lineStart, lineEnd))) return lineStart;
    at = buffer.indexOf(needle, at + 1);
  }
  return -1;
}

function trimTrailingNewline(buffer: Buffer, end: number): number {
  return end > 0 && buffer[end - 1] === NEWLINE ? end - 1 : end;
}
