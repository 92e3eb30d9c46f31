import type { Kysely } from "kysely";
import type { Database } from "@interlend/db";
import { notifierFor } from "../notifications/sender.ts";
import { runExpiryJob, type JobResult } from "./expiry.ts";
import { runOverdueJob } from "./overdue.ts";

export { addBusinessHours, DEFAULT_BUSINESS_HOURS, instantOf, wallClock, type BusinessHours } from "./business-hours.ts";
export { runExpiryJob, type JobResult } from "./expiry.ts";
export { runOverdueJob } from "./overdue.ts";

export interface RequestJobs {
  /** Runs expiry, overdue marking and the notification sender once (also what the timer does). */
  runOnce(now?: Date): Promise<{ expiry: JobResult; overdue: JobResult; notificationsSent: number }>;
  stop(): Promise<void>;
}

/**
 * The request jobs on a timer (every `intervalMs`, default one minute): expiry, overdue marking,
 * and a retry of notices still in the outbox. Runs never overlap; a failing run is logged and the
 * next one tries again. Wire it at start-up: `const jobs = startRequestJobs(db, { intervalMs })`.
 */
export function startRequestJobs(db: Kysely<Database>, options: { intervalMs?: number; log?: (message: string, error?: unknown) => void } = {}): RequestJobs {
  let running: Promise<unknown> | undefined;
  const runOnce = async (now: Date = new Date()) => {
    const expiry = await runExpiryJob(db, now);
    const overdue = await runOverdueJob(db, now);
    const notificationsSent = await notifierFor(db).flush();
    return { expiry, overdue, notificationsSent };
  };
  const timer = setInterval(() => {
    if (running) return;
    running = runOnce()
      .catch((error: unknown) => options.log?.("request jobs failed", error))
      .finally(() => {
        running = undefined;
      });
  }, options.intervalMs ?? 60_000);
  timer.unref();
  return {
    runOnce,
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
