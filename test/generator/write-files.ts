/**
 * Writes a generated consortium as one MARC file per member (MARCXML or ISO 2709), streaming with
 * backpressure, plus a ground-truth JSON-lines file and a manifest. When the manifest says the
 * files already hold the same records, seed and format, nothing is rewritten.
 */
import { once } from "node:events";
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  writeFileSync,
  type WriteStream,
} from "node:fs";
import path from "node:path";
import {
  MARCXML_COLLECTION_CLOSE,
  MARCXML_COLLECTION_OPEN,
  toIso2709,
  toMarcXmlRecord,
} from "../../harvester/src/marc/writers.ts";
import { DEMO_LIBRARIES, generateConsortium } from "./consortium.ts";

export interface WriteDemoOptions {
  records: number;
  outDir: string;
  format: "marcxml" | "iso2709";
  seed: number;
  /** Called every few thousand records with the count written so far. */
  onProgress?: (written: number, total: number) => void;
}

export interface DemoConsortiumFiles {
  libraries: Array<{ code: string; name: string; timezone: string }>;
  /** Member code → absolute path of its MARC file. */
  files: Record<string, string>;
  /** JSON lines `{library, localId, workKey}`: which records are the same manifestation. */
  groundTruth: string;
  /** False when matching files were already there. */
  written: boolean;
}

/** Bump when the generator's output changes, so old files are regenerated. */
const GENERATOR_VERSION = 1;
const MANIFEST = "manifest.json";

interface Manifest {
  generatorVersion: number;
  records: number;
  seed: number;
  format: "marcxml" | "iso2709";
  files: Record<string, string>;
  groundTruth: string;
}

async function write(stream: WriteStream, chunk: string | Buffer): Promise<void> {
  if (!stream.write(chunk)) await once(stream, "drain");
}

async function close(stream: WriteStream): Promise<void> {
  stream.end();
  await once(stream, "finish");
}

function readManifest(outDir: string): Manifest | undefined {
  try {
    return JSON.parse(readFileSync(path.join(outDir, MANIFEST), "utf8")) as Manifest;
  } catch {
    return undefined;
  }
}

export async function writeDemoConsortium(options: WriteDemoOptions): Promise<DemoConsortiumFiles> {
  const outDir = path.resolve(options.outDir);
  mkdirSync(outDir, { recursive: true });
  const libraries = DEMO_LIBRARIES.map(({ code, name, timezone }) => ({ code, name, timezone }));
  const extension = options.format === "marcxml" ? "xml" : "mrc";
  const files = Object.fromEntries(
    DEMO_LIBRARIES.map((l) => [l.code, path.join(outDir, `${l.code}.${extension}`)]),
  );
  const groundTruth = path.join(outDir, "ground-truth.jsonl");

  const previous = readManifest(outDir);
  if (
    previous?.generatorVersion === GENERATOR_VERSION &&
    previous.records === options.records &&
    previous.seed === options.seed &&
    previous.format === options.format &&
    [...Object.values(files), groundTruth].every((file) => existsSync(file))
  ) {
    return { libraries, files, groundTruth, written: false };
  }

  // Write beside the final names and rename at the end, so a crash never leaves a half file
  // that a matching manifest would vouch for.
  const partial = (file: string) => `${file}.partial`;
  const streams = new Map(
    Object.entries(files).map(([code, file]) => [code, createWriteStream(partial(file))]),
  );
  const truth = createWriteStream(partial(groundTruth));
  try {
    if (options.format === "marcxml")
      for (const stream of streams.values()) await write(stream, MARCXML_COLLECTION_OPEN);
    let written = 0;
    for (const generated of generateConsortium({ records: options.records, seed: options.seed })) {
      const stream = streams.get(generated.library);
      if (!stream) throw new Error(`no output file for member ${generated.library}`);
      await write(
        stream,
        options.format === "marcxml" ? `${toMarcXmlRecord(generated.record)}\n` : toIso2709(generated.record),
      );
      const { library, localId, workKey } = generated;
      await write(truth, `${JSON.stringify({ library, localId, workKey })}\n`);
      written++;
      if (written % 5000 === 0) options.onProgress?.(written, options.records);
    }
    if (options.format === "marcxml")
      for (const stream of streams.values()) await write(stream, MARCXML_COLLECTION_CLOSE);
    options.onProgress?.(written, options.records);
  } finally {
    await Promise.all([...streams.values(), truth].map(close));
  }
  for (const file of [...Object.values(files), groundTruth]) renameSync(partial(file), file);
  const manifest: Manifest = {
    generatorVersion: GENERATOR_VERSION,
    records: options.records,
    seed: options.seed,
    format: options.format,
    files: Object.fromEntries(Object.entries(files).map(([code, file]) => [code, path.basename(file)])),
    groundTruth: path.basename(groundTruth),
  };
  writeFileSync(path.join(outDir, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return { libraries, files, groundTruth, written: true };
}
