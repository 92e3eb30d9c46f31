/**
 * Worker thread of a file source: reads and parses the files, prepares each page (normalise, keys,
 * hashes) and posts it to the harvest, at most a few pages ahead of what the harvest has taken.
 */
import { parentPort, workerData } from "node:worker_threads";
import { preparePage } from "../../ingest/prepare.ts";
import { readFilePages } from "./file-pages.ts";
import type { FileWorkerData, FromFileWorker, ToFileWorker } from "./file-worker-protocol.ts";

const port = parentPort!;
const data = workerData as FileWorkerData;
let credits = data.pagesAhead;
let wake: (() => void) | undefined;

port.on("message", (message: ToFileWorker) => {
  if (message.type === "taken") {
    credits++;
    wake?.();
  }
});

async function main(): Promise<void> {
  for await (const page of readFilePages(data.options)) {
    while (credits <= 0) await new Promise<void>((resolve) => (wake = resolve));
    wake = undefined;
    credits--;
    const prepared = preparePage(page.records, data.mapping);
    port.postMessage({ type: "page", page: { prepared, checkpoint: page.checkpoint, expectedTotal: page.expectedTotal } } satisfies FromFileWorker);
  }
  port.postMessage({ type: "done" } satisfies FromFileWorker);
}

main().catch((error: unknown) => {
  port.postMessage({ type: "error", message: (error as Error).message ?? String(error) } satisfies FromFileWorker);
});
