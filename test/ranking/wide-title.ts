/**
 * A title held by many members, with a long request history behind it: the ranking's heaviest
 * realistic case, shared by the ranking perf test and `npm run bench:search`.
 */
import type { Kysely } from "kysely";
import type { Database } from "@interlend/db";
import { Random } from "../generator/prng.ts";
import { cluster, DAY_MS, holding, member, pastRequests, patron, type Member, type Outcome, type PastRequest } from "./fixtures.ts";

export interface WideTitleOptions {
  members?: number;
  holders?: number;
  /** Request events to seed (at least). */
  events?: number;
}

export interface WideTitle {
  title: number;
  members: Member[];
  holders: number;
  events: number;
}

const OUTCOMES: Outcome[] = ["shipped", "shipped", "shipped", "delivered", "unfilled", "expired", "pending", "cancelled"];
const EVENTS_PER_OUTCOME: Record<Outcome, number> = { shipped: 4, delivered: 3, unfilled: 3, expired: 3, pending: 2, cancelled: 3 };

/** Members M000…, a title held (one copy on the shelf, one on loan) by members 1…holders, and past requests among them. */
export async function seedWideTitle(db: Kysely<Database>, options: WideTitleOptions = {}): Promise<WideTitle> {
  const memberCount = options.members ?? 60;
  const holders = options.holders ?? 50;
  const targetEvents = options.events ?? 100_000;
  const members: Member[] = [];
  for (let i = 0; i < memberCount; i++) {
    members.push(
      await member(db, `M${String(i).padStart(3, "0")}`, {
        latitude: 50 + (i % 10) * 0.3,
        longitude: -2 + Math.floor(i / 10) * 0.4,
      }),
    );
  }
  const patrons = await Promise.all(members.map((m) => patron(db, m.library.id)));
  const title = await cluster(db);
  for (const holder of members.slice(1, holders + 1)) {
    await holding(db, title, holder, [{}, { status: "on_loan", dueDate: "2030-01-01" }]);
  }

  // Seeded, so every run seeds the same history.
  const rng = new Random(42);
  const random = () => rng.next();
  const now = Date.now();
  const requests: PastRequest[] = [];
  for (let planned = 0; planned < targetEvents; ) {
    const lender = Math.floor(random() * memberCount);
    const borrower = (lender + 1 + Math.floor(random() * (memberCount - 1))) % memberCount;
    const outcome = OUTCOMES[Math.floor(random() * OUTCOMES.length)]!;
    requests.push({
      borrower: members[borrower]!.library.id,
      lender: members[lender]!.library.id,
      patronId: patrons[borrower]!,
      clusterId: title,
      sentAt: now - random() * 120 * DAY_MS,
      outcome,
      turnaroundDays: 0.2 + random() * (2 + (lender % 7)),
    });
    planned += EVENTS_PER_OUTCOME[outcome];
  }
  const events = await pastRequests(db, requests, 1000);
  return { title, members, holders, events };
}
