import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { preparePage } from "../../ingest/prepare.ts";
import type { PreparedHarvestPage, PrepareOptions, PreparingSource } from "../../ingest/prepared-source.ts";
import type { HarvestContext, HarvestPage } from "../types.ts";
import { readFilePages } from "./file-pages.ts";
import type { FileWorkerData, FromFileWorker, ToFileWorker } from "./file-worker-protocol.ts";

export type { FileCheckpoint } from "./file-pages.ts";

export interface FileSourceOptions {
  /** A MARC file (ISO 2709 or MARCXML) or a folder of them. */
  path: string;
  pageSize?: number;
  /** Parse and prepare in a worker thread (default true; falls back to this thread if it cannot start). */
  worker?: boolean;
}

/**
 * Pages the worker prepares ahead of the harvest (besides the one it is preparing): the worker is
 * the slower side, so one is enough to never keep the harvest waiting, and each page held costs
 * memory in both threads.
 */
const PAGES_AHEAD = 1;

/**
 * The worker's young generation: a third of V8's default, some 20 MB less, at no measurable cost
 * (what the worker allocates dies young or is a page anyway). How far its old generation grows
 * is bounded for the whole process by runHarvest (heap-growth.ts).
 */
const WORKER_HEAP_LIMITS = { maxYoungGenerationSizeMb: 16 };

/** This process's node options without its loaders: the worker registers its own. */
function workerExecArgv(): string[] {
  const args: string[] = [];
  for (let i = 0; i < process.execArgv.length; i++) {
    const arg = process.execArgv[i]!;
    if ((arg === "--import" || arg === "--require" || arg === "--loader") && i + 1 < process.execArgv.length) {
      i++; // a loader (tsx's, or a test runner's): not for the worker
      continue;
    }
    if (/^--(import|require|loader|experimental-loader)=/.test(arg)) continue;
    args.push(arg);
  }
  return args;
}

/**
 * The worker is TypeScript like the rest: a small script registers tsx's require hook in the worker
 * and then requires the worker module. The require hook compiles in the worker's own thread; tsx's
 * ESM loader would start a loader thread (a whole further V8 heap) for each worker.
 */
function workerBootstrap(): string {
  const tsxRoot = path.dirname(createRequire(import.meta.url).resolve("tsx/package.json"));
  const tsxCjs = path.join(tsxRoot, "dist", "cjs", "api", "index.cjs");
  const entry = fileURLToPath(new URL("./file-worker.ts", import.meta.url));
  return `require(${JSON.stringify(tsxCjs)}).register(); require(${JSON.stringify(entry)});`;
}

/** Reads MARC files record by record, in pages, resumable at the record after the last commit. */
export class FileSource implements PreparingSource {
  private readonly pageSize: number;

  constructor(private readonly options: FileSourceOptions) {
    this.pageSize = options.pageSize ?? 1000;
  }

  pages(context: HarvestContext): AsyncIterable<HarvestPage> {
    return readFilePages({ path: this.options.path, pageSize: this.pageSize, resumeFrom: context.resumeFrom, aborted: () => context.signal?.aborted ?? false });
  }

  /**
   * Pages already prepared (parsed, normalised, keyed, hashed), by a worker thread so that work
   * runs on another core; on this thread when the worker cannot start.
   */
  async *preparedPages(context: HarvestContext, options: PrepareOptions): AsyncGenerator<PreparedHarvestPage> {
    const fileOptions = {
      path: this.options.path,
      pageSize: this.pageSize,
      resumeFrom: context.resumeFrom,
      previous: context.mode === "incremental" ? options.previous : null,
      fingerprintSalt: options.fingerprintSalt,
    };
    if (this.options.worker !== false) {
      const pages = this.workerPages({ options: fileOptions, mapping: options.mapping, pagesAhead: PAGES_AHEAD }, context.signal);
      const first = await pages.next();
      if (first.value !== "unavailable") {
        if (first.done) return;
        yield first.value;
        for (let next = await pages.next(); !next.done; next = await pages.next()) {
          if (next.value === "unavailable") throw new Error("file worker stopped");
          yield next.value;
        }
        return;
      }
    }
    for await (const page of readFilePages({ ...fileOptions, aborted: () => context.signal?.aborted ?? false })) {
      yield { prepared: preparePage(page.records, options.mapping), checkpoint: page.checkpoint, expectedTotal: page.expectedTotal };
    }
  }

  /** The worker's pages; "unavailable" first when it could not start. */
  private async *workerPages(data: FileWorkerData, signal?: AbortSignal): AsyncGenerator<PreparedHarvestPage | "unavailable"> {
    let worker: Worker;
    try {
      worker = new Worker(workerBootstrap(), { eval: true, workerData: data, execArgv: workerExecArgv(), resourceLimits: WORKER_HEAP_LIMITS });
    } catch {
      yield "unavailable";
      return;
    }
    const inbox: Array<FromFileWorker | { type: "exit"; error?: Error }> = [];
    let wake: (() => void) | undefined;
    const deliver = (message: FromFileWorker | { type: "exit"; error?: Error }) => {
      inbox.push(message);
      wake?.();
    };
    worker.on("message", deliver);
    worker.on("error", (error) => deliver({ type: "exit", error }));
    worker.on("exit", () => deliver({ type: "exit" }));
    let started = false;
    try {
      for (;;) {
        while (inbox.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        const message = inbox.shift()!;
        if (message.type === "page") {
          started = true;
          if (signal?.aborted) return;
          worker.postMessage({ type: "taken" } satisfies ToFileWorker);
          yield message.page;
        } else if (message.type === "done") {
          return;
        } else if (message.type === "error") {
          throw new Error(message.message);
        } else {
          // The worker died before it said anything: it could not load; read here instead.
          if (!started) {
            yield "unavailable";
            return;
          }
          throw message.error ?? new Error("file worker exited");
        }
      }
    } finally {
      worker.removeAllListeners();
      await worker.terminate();
    }
  }
}
