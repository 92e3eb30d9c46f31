import { spawnSync } from "node:child_process";

/**
 * Decodes runs of MARC-8 EACC (CJK) bytes, each run given without its escape sequence
 * (bytes 0x20..0x7e, three per character). Returns one string per run.
 */
export interface EaccDecoder {
  decodeRuns(runs: readonly Uint8Array[]): string[];
}

const ESC_TO_EACC = [0x1b, 0x24, 0x31]; // ESC $ 1
const ESC_TO_ASCII = [0x1b, 0x28, 0x42]; // ESC ( B
// yaz-iconv drops line feeds but keeps field terminators, so they separate runs in one call.
const RUN_SEPARATOR = [0x1e];
const REPLACEMENT = "\ufffd";

/**
 * yaz-iconv reads its input in 64-byte blocks and silently drops a multibyte character or escape
 * sequence cut by a block boundary. Units are therefore laid out so none straddles a boundary,
 * padding with a byte that decodes to U+0098 (ANSEL non-sort begin), removed afterwards.
 */
const YAZ_BLOCK = 64;
const PADDING_BYTE = 0x88;
const PADDING_CHAR = /\u0098/g;

class BlockAlignedInput {
  private readonly bytes: number[] = [];

  add(unit: ArrayLike<number>): void {
    const used = this.bytes.length % YAZ_BLOCK;
    if (used + unit.length > YAZ_BLOCK) for (let i = used; i < YAZ_BLOCK; i++) this.bytes.push(PADDING_BYTE);
    for (let i = 0; i < unit.length; i++) this.bytes.push(unit[i]!);
  }

  addRun(run: Uint8Array): void {
    this.add(ESC_TO_EACC);
    for (let i = 0; i < run.length;) {
      // Like yaz, a space where a character would start stands alone; otherwise three bytes.
      const size = run[i] === 0x20 ? 1 : 3;
      this.add(run.subarray(i, i + size));
      i += size;
    }
    this.add(ESC_TO_ASCII);
  }

  toBuffer(): Buffer {
    return Buffer.from(this.bytes);
  }
}

function unknownRun(run: Uint8Array): string {
  return REPLACEMENT.repeat(Math.max(1, Math.ceil(run.length / 3)));
}

/**
 * EACC through Index Data's `yaz-iconv` (Debian package `yaz`): the EACC table has ~16,000
 * entries and CJK records are rare, so one synchronous child process per record is acceptable.
 * Without the binary every EACC character becomes U+FFFD and a process warning is emitted once.
 */
export function createYazEaccDecoder(binary = yazIconvBinary()): EaccDecoder {
  let missing = false;

  function runYaz(runs: readonly Uint8Array[]): string[] | undefined {
    const input = new BlockAlignedInput();
    runs.forEach((run, i) => {
      if (i > 0) input.add(RUN_SEPARATOR);
      input.addRun(run);
    });
    const result = spawnSync(binary, ["-f", "MARC8", "-t", "UTF-8"], {
      input: input.toBuffer(),
      timeout: 30_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    if (result.error) {
      if ((result.error as NodeJS.ErrnoException).code === "ENOENT") {
        missing = true;
        process.emitWarning(
          `${binary} not found: MARC-8 CJK (EACC) characters are replaced by U+FFFD`,
          "MarcWarning",
        );
      }
      return undefined;
    }
    if (result.status !== 0) return undefined;
    const decoded = result.stdout.toString("utf8").replace(PADDING_CHAR, "").split("\x1e");
    return decoded.length === runs.length ? decoded : undefined;
  }

  return {
    decodeRuns(runs) {
      if (runs.length === 0) return [];
      if (missing) return runs.map(unknownRun);
      const all = runYaz(runs);
      if (all) return all;
      if (missing) return runs.map(unknownRun);
      // One bad run must not spoil the others: retry one by one.
      return runs.map((run) => (runs.length > 1 ? runYaz([run])?.[0] : undefined) ?? unknownRun(run));
    },
  };
}

/** `yaz-iconv` on the PATH, or the path in YAZ_ICONV. */
export function yazIconvBinary(): string {
  return process.env.YAZ_ICONV ?? "yaz-iconv";
}

export const defaultEaccDecoder: EaccDecoder = createYazEaccDecoder();
