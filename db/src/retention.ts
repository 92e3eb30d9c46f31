import type { Kysely } from "kysely";
import type { Database } from "./schema.ts";
import { nowIso } from "./time.ts";

/** States after which a request needs no patron any more. */
export const CLOSED_REQUEST_STATES = ["completed", "delivered", "cancelled", "not_supplied"] as const;

const ANONYMISED_CARD = "~anonymised";

async function anonymisedPatron(db: Kysely<Database>, libraryId: number): Promise<number> {
  const existing = await db.selectFrom("patrons").select("id").where("library_id", "=", libraryId).where("card_number", "=", ANONYMISED_CARD).executeTakeFirst();
  if (existing) return existing.id;
  const row = await db
    .insertInto("patrons")
    // "!" is no hash: nobody can sign in as this placeholder.
    .values({ library_id: libraryId, card_number: ANONYMISED_CARD, name: "Anonymised patron", email: null, pin_hash: "!", status: "blocked", expires_at: null, created_at: nowIso() })
    .returning("id")
    .executeTakeFirstOrThrow();
  return row.id;
}

/**
 * GDPR-minded retention: requests closed more than `retentionDays` ago keep their figures (dates,
 * lenders, states — the ranking needs them) but lose their patron, pickup location and the patron
 * ids in their history; expired patrons with no requests left past the same age are deleted.
 */
export async function purgePatronData(db: Kysely<Database>, retentionDays: number, now: Date = new Date()) {
  const cutoff = new Date(now.getTime() - retentionDays * 86_400_000).toISOString();
  return db.transaction().execute(async (trx) => {
    const stale = await trx
      .selectFrom("requests")
      .innerJoin("patrons", "patrons.id", "requests.patron_id")
      .select(["requests.id", "requests.borrower_library_id"])
      .where("requests.state", "in", [...CLOSED_REQUEST_STATES])
      .where("requests.updated_at", "<", cutoff)
      .where("patrons.card_number", "!=", ANONYMISED_CARD)
      .execute();
    const byLibrary = new Map<number, number[]>();
    for (const r of stale) byLibrary.set(r.borrower_library_id, [...(byLibrary.get(r.borrower_library_id) ?? []), r.id]);
    for (const [libraryId, ids] of byLibrary) {
      const placeholder = await anonymisedPatron(trx, libraryId);
      for (let i = 0; i < ids.length; i += 500) {
        const part = ids.slice(i, i + 500);
        await trx.updateTable("requests").set({ patron_id: placeholder, pickup_location: null }).where("id", "in", part).execute();
        await trx.updateTable("request_events").set({ actor: "patron" }).where("request_id", "in", part).where("actor", "like", "patron:%").execute();
      }
    }
    const deleted = await trx
      .deleteFrom("patrons")
      .where("status", "=", "expired")
      .where("expires_at", "<", cutoff)
      .where("card_number", "!=", ANONYMISED_CARD)
      .where((eb) => eb.not(eb.exists(eb.selectFrom("requests").select("requests.id").whereRef("requests.patron_id", "=", "patrons.id"))))
      .executeTakeFirst();
    return { requestsAnonymised: stale.length, patronsDeleted: Number(deleted.numDeletedRows) };
  });
}
