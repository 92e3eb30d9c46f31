import type { HarvestRun, Source } from "@interlend/db";

export type RunSource = (source: Source) => Promise<HarvestRun>;

export interface QueueResult {
  accepted: boolean;
  /** Why a request to harvest was not taken (already running or waiting). */
  reason?: string;
  /** Settles when the run finishes (accepted requests only). */
  done?: Promise<HarvestRun | undefined>;
}

/**
 * Runs harvests with a global concurrency cap. One source never runs twice at once: a tick that
 * finds it running or waiting is skipped and says so.
 */
export class HarvestQueue {
  private readonly active = new Set<number>();
  private readonly waiting: Array<{ source: Source; resolve: (run: HarvestRun | undefined) => void }> = [];

  constructor(
    private readonly run: RunSource,
    private readonly concurrency: number,
    private readonly log: (line: string) => void = () => {},
  ) {}

  enqueue(source: Source): QueueResult {
    if (this.active.has(source.id)) return { accepted: false, reason: `source ${source.name} is already being harvested` };
    if (this.waiting.some((w) => w.source.id === source.id)) return { accepted: false, reason: `source ${source.name} is already waiting to be harvested` };
    const done = new Promise<HarvestRun | undefined>((resolve) => this.waiting.push({ source, resolve }));
    this.pump();
    return { accepted: true, done };
  }

  get running(): number[] {
    return [...this.active];
  }

  get queued(): number[] {
    return this.waiting.map((w) => w.source.id);
  }

  /** Resolves once nothing runs or waits. */
  async idle(): Promise<void> {
    while (this.active.size > 0 || this.waiting.length > 0) await new Promise((r) => setTimeout(r, 20));
  }

  private pump(): void {
    while (this.active.size < this.concurrency && this.waiting.length > 0) {
      const next = this.waiting.shift()!;
      this.active.add(next.source.id);
      this.run(next.source)
        .then(next.resolve, (error: unknown) => {
          this.log(`harvest of ${next.source.name} failed to run: ${(error as Error).message}`);
          next.resolve(undefined);
        })
        .finally(() => {
          this.active.delete(next.source.id);
          this.pump();
        });
    }
  }
}
