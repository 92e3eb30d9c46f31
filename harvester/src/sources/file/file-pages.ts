import { readdir, stat } from "node:fs/promises";
import path from "node:path";
import { readMarcFile } from "../../marc/index.ts";
import type { ParsedRecord } from "../../marc/parsed.ts";
import { controlValue, isDeletedRecord } from "../../marc/record.ts";
import { scanFile } from "./count-records.ts";
import type { Checkpoint, HarvestPage, HarvestRecord } from "../types.ts";

const MARC_FILE = /\.(mrc|marc|iso|iso2709|dat|xml|marcxml)$/i;

export interface FileCheckpoint {
  /** Files already finished in this run. */
  filesDone: string[];
  file?: string;
  /** Records of `file` already committed. */
  position: number;
  /** Content fingerprints of the files this run read completely (see FilePagesOptions.previous). */
  fingerprints?: Record<string, string>;
  [key: string]: unknown;
}

export interface FilePagesOptions {
  /** A MARC file (ISO 2709 or MARCXML) or a folder of them. */
  path: string;
  pageSize: number;
  resumeFrom: Checkpoint | null;
  /**
   * Checkpoint of the last successful run, for an incremental one: a file whose fingerprint it
   * holds unchanged is not read again (it would give only records whose content hash the db
   * already has).
   */
  previous?: Checkpoint | null;
  /** What else must be the same for a file to be skipped (the source's holdings mapping). */
  fingerprintSalt?: string;
  aborted?: () => boolean;
}

async function listMarcFiles(target: string): Promise<string[]> {
  const info = await stat(target);
  if (info.isFile()) return [target];
  const names = (await readdir(target)).filter((name) => MARC_FILE.test(name)).sort();
  return names.map((name) => path.join(target, name));
}

/** Reads MARC files record by record, in pages, resumable at the record after the last commit. */
export async function* readFilePages(options: FilePagesOptions): AsyncGenerator<HarvestPage> {
  const resume = (options.resumeFrom as FileCheckpoint | null) ?? { filesDone: [], position: 0 };
  const previous = (options.previous as FileCheckpoint | null | undefined)?.fingerprints ?? {};
  const files = await listMarcFiles(options.path);
  const fingerprints: Record<string, string> = { ...(resume.fingerprints ?? {}) };
  // Every file is scanned (counted for the progress bar, hashed for the next incremental run)
  // beside the reading; only a file the last run saw is waited for before it is read.
  const scans = new Map(files.map((file) => [file, scanFile(file)]));
  for (const scan of scans.values()) scan.catch(() => undefined);
  let expectedTotal: number | undefined;
  void Promise.all(scans.values()).then(
    (all) => (expectedTotal = all.reduce((sum, scan) => sum + scan.records, 0)),
    () => undefined,
  );
  const fingerprintOf = async (file: string) => `${(await scans.get(file)!).sha1}:${options.fingerprintSalt ?? ""}`;
  const filesDone = [...resume.filesDone];
  const checkpoint = (extra: { file?: string; position: number }): FileCheckpoint => ({
    filesDone: [...filesDone],
    ...extra,
    fingerprints: { ...fingerprints },
  });
  for (const file of files) {
    if (filesDone.includes(file)) continue;
    if (options.previous && previous[file] !== undefined && previous[file] === (await fingerprintOf(file))) {
      filesDone.push(file);
      fingerprints[file] = previous[file];
      yield { records: [], checkpoint: checkpoint({ position: 0 }), expectedTotal };
      continue;
    }
    const skip = resume.file === file ? resume.position : 0;
    let batch: HarvestRecord[] = [];
    for await (const parsed of readMarcFile(file)) {
      const position = parsed.position + 1;
      if (parsed.position < skip) continue;
      if (options.aborted?.()) return;
      batch.push(toHarvestRecord(parsed));
      if (batch.length >= options.pageSize) {
        yield { records: batch, checkpoint: checkpoint({ file, position }), expectedTotal };
        batch = [];
      }
    }
    filesDone.push(file);
    fingerprints[file] = await fingerprintOf(file);
    yield { records: batch, checkpoint: checkpoint({ position: 0 }), expectedTotal };
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
