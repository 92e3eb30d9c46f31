import type { HarvestRun } from "@interlend/db";

/** One line for a finished run: "succeeded — 100 seen, 90 added, …" (CLI and start-up logs). */
export function describeRun(run: HarvestRun): string {
  const counts = `${run.seen} seen, ${run.added} added, ${run.updated} updated, ${run.deleted} deleted, ${run.rejected} rejected`;
  return `${run.status} — ${counts}${run.error ? ` — ${run.error}` : ""}`;
}
