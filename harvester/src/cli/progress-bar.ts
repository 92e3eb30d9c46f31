import cliProgress from "cli-progress";
import type { Source } from "@interlend/db";
import type { HarvestProgress } from "../run/run-harvest.ts";

/** A terminal progress bar for one harvest run: records, records/s, pages, ETA when the total is known. */
export function harvestProgressBar(label: string, stream: NodeJS.WriteStream = process.stderr) {
  const started = Date.now();
  const bar = new cliProgress.SingleBar(
    {
      stream,
      format: `${label.padEnd(12)} {bar} {value}/{total} records | {rate} rec/s | {pages} pages | {rejected} rejected | ETA {eta_formatted}`,
      hideCursor: true,
      noTTYOutput: true,
      notTTYSchedule: 5_000,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  let begun = false;
  return {
    update(progress: HarvestProgress) {
      const seconds = Math.max((Date.now() - started) / 1000, 0.001);
      const payload = {
        rate: Math.round(progress.counts.seen / seconds),
        pages: progress.pages,
        rejected: progress.counts.rejected,
      };
      const total = Math.max(progress.expectedTotal ?? progress.counts.seen, progress.counts.seen);
      if (!begun) {
        bar.start(total, progress.counts.seen, payload);
        begun = true;
      } else {
        bar.setTotal(total);
        bar.update(progress.counts.seen, payload);
      }
    },
    stop() {
      if (begun) bar.stop();
    },
  };
}

/** A bar for each source of a load (harvestSources runs them one at a time): `progressFor` starts one, `stop` ends it. */
export function sourceProgressBars(label: (source: Source) => string = (source) => source.name) {
  let bar: ReturnType<typeof harvestProgressBar> | undefined;
  return {
    progressFor: (source: Source) => (bar = harvestProgressBar(label(source))).update,
    stop: () => bar?.stop(),
  };
}
