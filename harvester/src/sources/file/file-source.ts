import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { readMarcFile } from "../../marc/index.ts";
import type { ParsedRecord } from "../../marc/parsed.ts";
import { controlValue, isDeletedRecord } from "../../marc/record.ts";
import { countRecords } from "./count-records.ts";
import type { HarvestContext, HarvestPage, HarvestRecord, HarvestSource } from "../types.ts";

const MARC_FILE = /\.(mrc|marc|iso|iso2709|dat|xml|marcxml)$/i;

interface FileCheckpoint {
  /** Files already finished in this run. */
  filesDone: string[];
  file?: string;
  /** Records of `file` already committed. */
  position: number;
  [key: string]: unknown;
}

export interface FileSourceOptions {
  /** A MARC file (ISO 2709 or MARCXML) or a folder of them. */
  path: string;
  pageSize?: number;
}

async function listMarcFiles(target: string): Promise<string[]> {
  const info = await stat(target);
  if (info.isFile()) return [target];
  const names = (await readdir(target)).filter((name) => MARC_FILE.test(name)).sort();
  return names.map((name) => path.join(target, name));
}

/** Reads MARC files record by record, in pages, resumable at the record after the last commit. */
export class FileSource implements HarvestSource {
  private readonly pageSize: number;

  constructor(private readonly options: FileSourceOptions) {
    this.pageSize = options.pageSize ?? 1000;
  }

  async *pages(context: HarvestContext): AsyncIterable<HarvestPage> {
    const resume = (context.resumeFrom as FileCheckpoint | null) ?? { filesDone: [], position: 0 };
    const files = await listMarcFiles(this.options.path);
    let expectedTotal = 0;
    for (const file of files) expectedTotal += await countRecords(file);
    const filesDone = [...resume.filesDone];
    for (const file of files) {
      if (filesDone.includes(file)) continue;
      const skip = resume.file === file ? resume.position : 0;
      let batch: HarvestRecord[] = [];
      for await (const parsed of readMarcFile(file)) {
        const position = parsed.position + 1;
        if (parsed.position < skip) continue;
        if (context.signal?.aborted) return;
        batch.push(toHarvestRecord(parsed));
        if (batch.length >= this.pageSize) {
          yield { records: batch, checkpoint: { filesDone: [...filesDone], file, position }, expectedTotal };
          batch = [];
        }
      }
      filesDone.push(file);
      yield { records: batch, checkpoint: { filesDone: [...filesDone], position: 0 }, expectedTotal };
    }
  }
}

function toHarvestRecord(parsed: ParsedRecord): HarvestRecord {
  if (!parsed.ok) return { kind: "rejected", position: parsed.position, reason: parsed.reason, raw: parsed.raw };
  const localId = controlValue(parsed.record, "001")?.trim();
  if (isDeletedRecord(parsed.record)) {
    if (!localId) return { kind: "rejected", position: parsed.position, reason: "deleted record without 001 id" };
    return { kind: "delete", position: parsed.position, localId };
  }
  return { kind: "upsert", position: parsed.position, record: parsed.record };
}
