import type { Kysely } from "kysely";
import type { Database } from "@interlend/db";
import type { Principal } from "../../auth/principal.ts";
import { librariesById, requestsAtLender, requestsOfBorrower, type QueueRow } from "../../repositories/requests.ts";
import { rolesFor } from "./access.ts";
import { parseRota } from "./rota.ts";
import { allowedActions, isRequestState, type ServiceType } from "./transitions.ts";

const QUEUE_LIMIT = 500;

async function present(db: Kysely<Database>, rows: QueueRow[], principal: Principal, withPatron: boolean) {
  const libraries = await librariesById(db, rows.flatMap((r) => [r.borrower_library_id, r.lender_library_id]));
  const patronNames = new Map<number, string>();
  if (withPatron && rows.length > 0) {
    const patrons = await db.selectFrom("patrons").select(["id", "name"]).where("id", "in", [...new Set(rows.map((r) => r.patron_id))]).execute();
    for (const p of patrons) patronNames.set(p.id, p.name);
  }
  const ref = (id: number | null) => {
    const library = id === null ? undefined : libraries.get(id);
    return library ? { code: library.code, name: library.name } : null;
  };
  return rows.map((r) => {
    const copy = parseRota(r.rota)[r.rota_position];
    return {
      id: r.id,
      state: r.state,
      serviceType: r.service_type,
      recordId: r.cluster_id,
      title: r.title,
      callNumber: copy?.callNumber ?? null,
      location: copy?.location ?? null,
      barcode: copy?.barcode ?? null,
      borrower: ref(r.borrower_library_id),
      lender: ref(r.lender_library_id),
      ...(withPatron && { patron: { id: r.patron_id, name: patronNames.get(r.patron_id) ?? null } }),
      pickupLocation: r.pickup_location,
      placedAt: r.created_at,
      /** When it reached its current state (for a pull-list entry: when it was sent to this lender). */
      since: r.updated_at,
      dueDate: r.due_date,
      allowedActions: isRequestState(r.state) ? allowedActions(r.state, r.service_type as ServiceType, rolesFor(principal, r)) : [],
    };
  });
}

/** A lender's queue: the pull list (sent, oldest first) and what it has out (shipped, received, overdue, on its way back). */
export async function lendingQueue(db: Kysely<Database>, libraryId: number, principal: Principal) {
  const [pull, out] = await Promise.all([
    requestsAtLender(db, libraryId, ["sent"], QUEUE_LIMIT),
    requestsAtLender(db, libraryId, ["shipped", "received", "overdue", "returned"], QUEUE_LIMIT),
  ]);
  return { pullList: await present(db, pull, principal, false), awaitingReturn: await present(db, out, principal, false) };
}

/** A borrowing member's queue: shipped to it (to receive), with its patrons, and overdue. */
export async function borrowingQueue(db: Kysely<Database>, libraryId: number, principal: Principal) {
  const rows = await requestsOfBorrower(db, libraryId, ["shipped", "received", "overdue"], QUEUE_LIMIT * 3);
  const views = await present(db, rows, principal, true);
  return {
    incoming: views.filter((v) => v.state === "shipped"),
    onLoan: views.filter((v) => v.state === "received"),
    overdue: views.filter((v) => v.state === "overdue"),
  };
}
