import type { Kysely } from "kysely";
import nodemailer, { type Transporter } from "nodemailer";
import { z } from "zod";
import type { Database } from "@interlend/db";
import { claimNotices, markFailed, markSent } from "./outbox.ts";

/** How notices leave the outbox. */
export interface NotificationOptions {
  /** smtp:// or smtps:// URL; without it notices stay in the outbox (GET /v1/admin/notifications). */
  smtpUrl?: string;
  /** The From header. */
  from?: string;
  /** Attempts before a notice is marked failed (default 5). */
  maxAttempts?: number;
  log?: (message: string, error?: unknown) => void;
}

const envSchema = z.object({
  SMTP_URL: z
    .string()
    .trim()
    .optional()
    .transform((v) => (v ? v : undefined))
    .refine((v) => v === undefined || /^smtps?:\/\/[^\s]+$/.test(v), "must be an smtp:// or smtps:// URL"),
  NOTIFY_FROM: z.string().trim().min(3).max(200).optional(),
});

/** Reads SMTP_URL and NOTIFY_FROM; throws naming every bad variable. */
export function notificationOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): NotificationOptions {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`bad notification settings: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  }
  return { smtpUrl: parsed.data.SMTP_URL, from: parsed.data.NOTIFY_FROM };
}

const DEFAULT_FROM = "Interlend <no-reply@interlend.invalid>";
const BATCH = 50;

/**
 * Mails pending notices after their transactions commit. `kick()` after a commit starts a flush in
 * the background (never awaited by the request that caused it); a failure is recorded on the row
 * and retried by the next flush, up to maxAttempts.
 */
export class Notifier {
  private readonly transport?: Transporter;
  private running?: Promise<number>;
  private again = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: NotificationOptions = {},
  ) {
    if (options.smtpUrl) this.transport = nodemailer.createTransport(options.smtpUrl);
  }

  /** Whether notices are mailed (otherwise they stay in the outbox). */
  get sends(): boolean {
    return this.transport !== undefined;
  }

  kick(): void {
    if (!this.transport) return;
    this.flush().catch((error: unknown) => this.options.log?.("notification flush failed", error));
  }

  /** Sends everything pending now; resolves with how many were sent. Concurrent calls share one run. */
  async flush(): Promise<number> {
    if (!this.transport) return 0;
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      let sent = 0;
      try {
        do {
          this.again = false;
          for (;;) {
            const batch = await claimNotices(this.db, BATCH, new Date());
            if (batch.length === 0) break;
            for (const row of batch) {
              try {
                await this.transport!.sendMail({
                  from: this.options.from ?? DEFAULT_FROM,
                  to: row.recipient,
                  subject: row.subject,
                  text: row.body,
                  headers: { "X-Interlend-Notice": row.kind, ...(row.request_id !== null && { "X-Interlend-Request": String(row.request_id) }) },
                });
                await markSent(this.db, row.id, new Date().toISOString());
                sent++;
              } catch (error) {
                await markFailed(this.db, row, (error as Error).message ?? String(error), this.options.maxAttempts ?? 5);
              }
            }
            if (batch.length < BATCH) break;
          }
        } while (this.again);
      } finally {
        this.running = undefined;
      }
      return sent;
    })();
    return this.running;
  }

  close(): void {
    this.transport?.close();
  }
}

const notifiers = new WeakMap<Kysely<Database>, Notifier>();

/** The notifier for a db instance: the configured one, or one from the environment. */
export function notifierFor(db: Kysely<Database>): Notifier {
  let notifier = notifiers.get(db);
  if (!notifier) notifiers.set(db, (notifier = new Notifier(db, notificationOptionsFromEnv())));
  return notifier;
}

/** Sets how notices for this db are sent (start-up, tests); replaces any earlier notifier. */
export function configureNotifications(db: Kysely<Database>, options: NotificationOptions): Notifier {
  notifiers.get(db)?.close();
  const notifier = new Notifier(db, options);
  notifiers.set(db, notifier);
  return notifier;
}
