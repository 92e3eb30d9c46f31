import cron, { type ScheduledTask } from "node-cron";
import type { Kysely } from "kysely";
import { findSource, listSources, type Database, type Source } from "@interlend/db";
import { scheduleProblem } from "./cron-schedule.ts";
import { HarvestQueue, type QueueResult, type RunSource } from "./harvest-queue.ts";

export interface SchedulerOptions {
  db: Kysely<Database>;
  run: RunSource;
  /** How many sources harvest at once across the pod. */
  concurrency?: number;
  log?: (line: string) => void;
}

/**
 * Cron schedules per source, read from the db (so they survive restarts). `reload()` after a
 * source changes; `harvestNow()` for the admin's button.
 */
export class HarvestScheduler {
  private readonly tasks = new Map<number, { pattern: string; timezone: string; task: ScheduledTask }>();
  readonly queue: HarvestQueue;
  private readonly log: (line: string) => void;

  constructor(private readonly options: SchedulerOptions) {
    this.log = options.log ?? (() => {});
    this.queue = new HarvestQueue(options.run, options.concurrency ?? 2, this.log);
  }

  async reload(): Promise<void> {
    const wanted = new Map<number, Source>();
    for (const source of await listSources(this.options.db)) {
      if (!source.enabled || !source.schedule) continue;
      const problem = scheduleProblem(source.schedule, source.timezone);
      if (problem) {
        this.log(`source ${source.name}: schedule ignored: ${problem}`);
        continue;
      }
      wanted.set(source.id, source);
    }
    for (const [id, entry] of this.tasks) {
      const source = wanted.get(id);
      if (source && source.schedule === entry.pattern && source.timezone === entry.timezone) continue;
      await entry.task.destroy();
      this.tasks.delete(id);
    }
    for (const [id, source] of wanted) {
      if (this.tasks.has(id)) continue;
      const task = cron.schedule(source.schedule!, () => this.tick(id), { timezone: source.timezone, name: `harvest-${id}` });
      this.tasks.set(id, { pattern: source.schedule!, timezone: source.timezone, task });
    }
  }

  /** Sources with a live schedule and their next run, for the admin view. */
  scheduled(): Array<{ sourceId: number; pattern: string; timezone: string; nextRun: Date | null }> {
    return [...this.tasks].map(([sourceId, e]) => ({ sourceId, pattern: e.pattern, timezone: e.timezone, nextRun: e.task.getNextRun() }));
  }

  running(): number[] {
    return this.queue.running;
  }

  queued(): number[] {
    return this.queue.queued;
  }

  async harvestNow(sourceId: number): Promise<QueueResult> {
    const source = await findSource(this.options.db, sourceId);
    if (!source) return { accepted: false, reason: `no source ${sourceId}` };
    return this.queue.enqueue(source);
  }

  async stop(): Promise<void> {
    for (const entry of this.tasks.values()) await entry.task.destroy();
    this.tasks.clear();
    await this.queue.idle();
  }

  private async tick(sourceId: number): Promise<void> {
    // Re-read the row: it may have been disabled since the schedule was loaded.
    const source = await findSource(this.options.db, sourceId);
    if (!source?.enabled) return;
    const result = this.queue.enqueue(source);
    if (!result.accepted) this.log(`scheduled harvest skipped: ${result.reason}`);
  }
}
