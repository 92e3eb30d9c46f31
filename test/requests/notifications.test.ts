/** Request notices through a real SMTP server on loopback, and the outbox when there is none, on both dialects. */
import type { AddressInfo } from "node:net";
import { SMTPServer } from "smtp-server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withRequestTables } from "@interlend/db";
import { configureNotifications } from "@interlend/search-api/notifications/sender";
import { DIALECTS, postgresAvailable } from "../support/databases.ts";
import { act, inDays, place, startPod, type Pod } from "./pod.ts";

interface Mail {
  from: string;
  to: string[];
  raw: string;
}

/** A real SMTP server on 127.0.0.1 that keeps what it receives. */
async function startSmtp(): Promise<{ url: string; mails: Mail[]; close(): Promise<void> }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ["STARTTLS", "AUTH"],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        mails.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString("utf8"),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, mails, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

async function until<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const subjectOf = (mail: Mail) => /^Subject: (.*)$/m.exec(mail.raw)?.[1]?.trim();

describe.each(DIALECTS)("request notifications on %s", (dialect) => {
  let pod: Pod | undefined;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;

  beforeAll(async () => {
    if (dialect === "postgres" && !(await postgresAvailable())) return;
    smtp = await startSmtp();
    pod = await startPod(dialect, {
      libraries: [{ code: "BOR" }, { code: "LND", contactEmail: "ill-desk@lnd.test" }],
      patrons: [
        { library: "BOR", card: "N1", email: "reader.one@readers.test" },
        { library: "BOR", card: "N2", email: "reader.two@readers.test" },
        { library: "BOR", card: "N3", email: "reader.three@readers.test" },
      ],
      titles: { mailed: { LND: ["available"] }, refused: { LND: ["available"] }, outbox: { LND: ["available"] } },
    });
  });
  afterAll(async () => {
    await pod?.close();
    await smtp?.close();
  });
  const ready = () => pod !== undefined;

  it("mails the patron and the lender's staff as the request moves, after each change commits", async (ctx) => {
    if (!ready()) return ctx.skip();
    const db = pod!.database.db;
    const notifier = configureNotifications(db, { smtpUrl: smtp.url, from: "Pod ILL <ill@pod.test>" });
    const start = smtp.mails.length;
    const patron = await pod!.patron("N1");
    const placed = await place(patron, pod!.records.mailed!, { pickupLocation: "Branch 2" });
    expect(placed.status).toBe(201);
    await until("two mails", () => smtp.mails.length >= start + 2);
    const placedMails = smtp.mails.slice(start);
    const toPatron = placedMails.find((m) => m.to.includes("reader.one@readers.test"))!;
    const toStaff = placedMails.find((m) => m.to.includes("ill-desk@lnd.test"))!;
    expect(subjectOf(toPatron)).toBe("Request placed: Title mailed");
    expect(toPatron.raw).toContain("Branch 2");
    expect(toPatron.from).toBe("ill@pod.test");
    expect(subjectOf(toStaff)).toBe("New loan request: Title mailed");
    expect(toStaff.raw).not.toContain("Patron N1"); // lenders are not told who the patron is

    const lender = await pod!.staff("LND");
    const due = inDays(21);
    await act(lender, placed.body.id, "ship", { dueDate: due });
    const shipped = await until("the shipped notice", () => smtp.mails.find((m) => subjectOf(m) === "On its way: Title mailed"));
    expect(shipped.raw).toContain(due);
    await act(await pod!.staff("BOR"), placed.body.id, "receive");
    const collect = await until("the ready notice", () => smtp.mails.find((m) => subjectOf(m) === "Ready to collect: Title mailed"));
    expect(collect.to).toEqual(["reader.one@readers.test"]);

    await notifier.flush();
    const rows = await withRequestTables(db).selectFrom("notification_outbox").selectAll().where("request_id", "=", placed.body.id).execute();
    expect(rows.map((r) => r.kind).sort()).toEqual(["new_request", "ready_to_collect", "request_placed", "shipped"]);
    expect(rows.every((r) => r.status === "sent" && r.sent_at !== null)).toBe(true);
  });

  it("never loses a notice or blocks a transition when the mail server is down, and sends it later", async (ctx) => {
    if (!ready()) return ctx.skip();
    const db = pod!.database.db;
    const down = configureNotifications(db, { smtpUrl: "smtp://127.0.0.1:1", maxAttempts: 5 });
    const patron = await pod!.patron("N2");
    const placed = await place(patron, pod!.records.refused!);
    expect(placed.status).toBe(201);
    const refused = await act(await pod!.staff("LND"), placed.body.id, "unfill", { reason: "damaged" });
    expect(refused.body.state).toBe("not_supplied");
    await down.flush();
    const tables = withRequestTables(db);
    const pending = await tables.selectFrom("notification_outbox").selectAll().where("request_id", "=", placed.body.id).execute();
    expect(pending.map((r) => r.kind).sort()).toEqual(["new_request", "not_supplied", "request_placed"]);
    expect(pending.every((r) => r.status === "pending" && r.attempts >= 1 && r.last_error)).toBe(true);

    const start = smtp.mails.length;
    const up = configureNotifications(db, { smtpUrl: smtp.url });
    expect(await up.flush()).toBeGreaterThanOrEqual(3);
    await until("the late mails", () => smtp.mails.length >= start + 3);
    expect(smtp.mails.slice(start).map(subjectOf)).toContain("Not supplied: Title refused");
    const sent = await tables.selectFrom("notification_outbox").select("status").where("request_id", "=", placed.body.id).execute();
    expect(sent.every((r) => r.status === "sent")).toBe(true);
  });

  it("keeps notices in the outbox, listed for admins, when no SMTP server is configured", async (ctx) => {
    if (!ready()) return ctx.skip();
    configureNotifications(pod!.database.db, {});
    const before = smtp.mails.length;
    const placed = await place(await pod!.patron("N3"), pod!.records.outbox!);
    const admin = await pod!.admin();
    const list = await admin.get<{ notifications: Array<{ kind: string; to: string; status: string; subject: string; body: string }> }>(
      `/v1/admin/notifications?request=${placed.body.id}`,
    );
    expect(list.status).toBe(200);
    expect(list.body.notifications.map((n) => [n.kind, n.to, n.status]).sort()).toEqual([
      ["new_request", "ill-desk@lnd.test", "pending"],
      ["request_placed", "reader.three@readers.test", "pending"],
    ]);
    expect(list.body.notifications.find((n) => n.kind === "request_placed")!.body).toContain("Dear Patron N3");
    expect((await admin.get("/v1/admin/notifications?status=pending")).status).toBe(200);
    expect((await (await pod!.staff("BOR")).get("/v1/admin/notifications")).status).toBe(403);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(smtp.mails.length).toBe(before);
  });
});
