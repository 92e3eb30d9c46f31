import type { Kysely } from "kysely";
import type { Database, RequestEventRow, RequestRow } from "@interlend/db";
import type { Principal } from "../../auth/principal.ts";
import { librariesById, listEvents, type LibraryRef } from "../../repositories/requests.ts";
import { rolesFor } from "./access.ts";
import { parseRota } from "./rota.ts";
import { allowedActions, ISO18626_STATUS, isRequestState, type ServiceType } from "./transitions.ts";

async function titles(db: Kysely<Database>, clusterIds: number[]): Promise<Map<number, string>> {
  if (clusterIds.length === 0) return new Map();
  const rows = await db.selectFrom("bib_records").select(["cluster_id", "title"]).where("cluster_id", "in", clusterIds).orderBy("id").execute();
  const map = new Map<number, string>();
  for (const row of rows) if (row.cluster_id !== null && !map.has(row.cluster_id)) map.set(row.cluster_id, row.title);
  return map;
}

async function patronNames(db: Kysely<Database>, ids: number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map();
  const rows = await db.selectFrom("patrons").select(["id", "name"]).where("id", "in", ids).execute();
  return new Map(rows.map((r) => [r.id, r.name]));
}

/** What presenting requests reads besides the rows themselves. */
export interface PresentationFacts {
  /** Each request's events, oldest first. */
  events: ReadonlyArray<Omit<RequestEventRow, "id">>;
  titles: ReadonlyMap<number, string>;
  /** Every member the requests and their events name. */
  libraries: ReadonlyMap<number, LibraryRef>;
  patronNames: ReadonlyMap<number, string>;
}

/**
 * Facts of requests placing has just written: it knows everything presenting them would read, and
 * the route presents the very row placing returned, so nothing is read again for it.
 */
const justPlaced = new WeakMap<RequestRow, PresentationFacts>();

export function rememberPlaced(request: RequestRow, facts: PresentationFacts): void {
  justPlaced.set(request, facts);
}

async function readFacts(db: Kysely<Database>, requests: RequestRow[], showPatron: RequestRow[]): Promise<PresentationFacts> {
  const ids = requests.map((r) => r.id);
  const libraryIds = new Set<number | null>();
  for (const r of requests) {
    libraryIds.add(r.borrower_library_id);
    libraryIds.add(r.lender_library_id);
  }
  // One round of queries (in parallel on PostgreSQL); events naming a library the requests do not
  // (an earlier lender in the rota) cost a second one.
  const [events, titleMap, libraries, names] = await Promise.all([
    listEvents(db, ids),
    titles(db, [...new Set(requests.map((r) => r.cluster_id))]),
    librariesById(db, libraryIds),
    patronNames(db, [...new Set(showPatron.map((r) => r.patron_id))]),
  ]);
  const missing = events.map((e) => e.lender_library_id).filter((id) => id !== null && !libraries.has(id));
  for (const [id, library] of await librariesById(db, missing)) libraries.set(id, library);
  return { events, titles: titleMap, libraries, patronNames: names };
}

/**
 * Requests as the API shows them to `principal`: state (with its ISO 18626 name), the frozen rota
 * with each lender's reason, the events timeline, and the actions this caller may take now. The
 * patron's name is shown to the patron and the borrowing member's staff only, never to lenders.
 */
export async function presentRequests(db: Kysely<Database>, requests: RequestRow[], principal: Principal | undefined) {
  const rolesById = new Map(requests.map((r) => [r.id, rolesFor(principal, r)]));
  const showPatron = requests.filter((r) => {
    const roles = rolesById.get(r.id)!;
    return roles.has("patron") || roles.has("borrower");
  });
  const placed = requests.length === 1 ? justPlaced.get(requests[0]!) : undefined;
  const { events, titles: titleMap, libraries, patronNames: names } = placed ?? (await readFacts(db, requests, showPatron));
  const ref = (id: number | null) => {
    const library = id === null ? undefined : libraries.get(id);
    return library ? { code: library.code, name: library.name } : null;
  };
  const eventsById = new Map<number, Array<(typeof events)[number]>>();
  for (const e of events) {
    const list = eventsById.get(e.request_id) ?? [];
    list.push(e);
    eventsById.set(e.request_id, list);
  }

  return requests.map((r) => {
    const roles = rolesById.get(r.id)!;
    const state = r.state;
    return {
      id: r.id,
      state,
      iso18626Status: isRequestState(state) ? ISO18626_STATUS[state] : null,
      serviceType: r.service_type,
      recordId: r.cluster_id,
      title: titleMap.get(r.cluster_id) ?? null,
      borrower: ref(r.borrower_library_id),
      lender: ref(r.lender_library_id),
      ...((roles.has("patron") || roles.has("borrower")) && { patron: { id: r.patron_id, name: names.get(r.patron_id) ?? null } }),
      pickupLocation: r.pickup_location,
      dueDate: r.due_date,
      placedAt: r.created_at,
      updatedAt: r.updated_at,
      rotaPosition: r.rota_position,
      rota: parseRota(r.rota).map((entry) => ({
        rank: entry.rank,
        library: entry.library,
        libraryName: entry.libraryName,
        callNumber: entry.callNumber,
        location: entry.location,
        status: entry.status,
        tier: entry.tier,
        promised: entry.promised,
        reason: entry.reason,
        figures: entry.figures,
      })),
      events: (eventsById.get(r.id) ?? []).map((e) => ({
        at: e.at,
        actor: e.actor,
        from: e.from_state,
        to: e.to_state,
        lender: ref(e.lender_library_id)?.code ?? null,
        reason: e.reason,
      })),
      allowedActions: isRequestState(state) ? allowedActions(state, r.service_type as ServiceType, roles) : [],
    };
  });
}

export type RequestView = Awaited<ReturnType<typeof presentRequests>>[number];

export async function presentRequest(db: Kysely<Database>, request: RequestRow, principal: Principal | undefined): Promise<RequestView> {
  const [view] = await presentRequests(db, [request], principal);
  return view!;
}
