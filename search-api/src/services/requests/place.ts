import type { Kysely } from "kysely";
import { cachedPodSettings, effectivePatronStatus, placingCheck, type Database, type PlacingCheck, type PodSettings, type RequestRow } from "@interlend/db";
import { problem } from "../../http/problem.ts";
import { notifierFor, type Notifier } from "../../notifications/sender.ts";
import { clusterTitleOf, loadHoldings, shelfCopiesByLender, type Holdings } from "../../repositories/copies.ts";
import {
  findPlacingPatron,
  findRequest,
  findRequestByKey,
  insertRequestWith,
  isUniqueViolation,
  libraryRef,
  lockForPlacing,
  type LibraryRef,
  type NewEvent,
  type NewRequest,
  type TransitionRecords,
} from "../../repositories/requests.ts";
import { rankHoldings, utcDay } from "../ranking/rank-copies-for.ts";
import type { LiveAvailability, RankedCopies } from "../ranking/types.ts";
import { SYSTEM } from "./access.ts";
import { NoticeQueue, planSend, type SendPlan } from "./lifecycle.ts";
import { rememberPlaced, type PresentationFacts } from "./present.ts";
import { withPromisedCopies, type RotaEntry } from "./rota.ts";
import { ACTIVE_STATES, type ServiceType } from "./transitions.ts";

export interface PlaceRequestInput {
  patronId: number;
  /** The union record (cluster) id. */
  recordId: number;
  pickupLocation?: string | null;
  serviceType: ServiceType;
  /** The client's key: a retry with the same key gets the same request back. */
  idempotencyKey: string;
  /** The clock (tests, the simulated month); defaults to now. */
  now?: Date;
}

export interface PlaceRequestOptions {
  liveAvailability?: LiveAvailability;
  settings?: PodSettings;
  /** How old the cached lender figures may be (the ranking's default when absent). */
  statsMaxAgeMs?: number;
  notifier?: Notifier;
}

export interface PlaceRequestResult {
  request: RequestRow;
  /** False when the idempotency key had already placed this request. */
  created: boolean;
}

/** Keys are the patron's own: another patron's identical key is a different request. */
function storedKey(patronId: number, key: string): string {
  return `p${patronId}:${key}`;
}

function replay(existing: RequestRow, input: PlaceRequestInput): PlaceRequestResult {
  if (existing.cluster_id !== input.recordId || existing.service_type !== input.serviceType) {
    throw problem(
      422,
      "idempotency-key-reused",
      "Idempotency key already used",
      `This Idempotency-Key already placed request ${existing.id} for another title or service; use a new key for a new request.`,
      { requestId: existing.id },
    );
  }
  return { request: existing, created: false };
}

function startOfUtcDay(now: Date): string {
  return `${now.toISOString().slice(0, 10)}T00:00:00.000Z`;
}

/** The duplicate and limit checks, on figures read under the patron's lock (so two placements cannot both slip under a limit). */
function checkPatronLimits(check: PlacingCheck, settings: PodSettings) {
  const { open, sameTitle, placedToday: today } = check;
  if (sameTitle !== null) {
    throw problem(409, "duplicate-request", "Already requested", `You already have an open request for this title (request ${sameTitle}).`, {
      requestId: sameTitle,
    });
  }
  if (open >= settings.requestLimits.perPatron) {
    throw problem(
      409,
      "patron-request-limit",
      "Too many open requests",
      `You have ${open} open requests, the most allowed at once; you can ask for more when some of them are finished.`,
      { limit: settings.requestLimits.perPatron, open },
    );
  }
  if (today >= settings.requestLimits.perMemberDaily) {
    throw problem(
      409,
      "member-daily-limit",
      "Your library's daily limit is reached",
      `Your library has placed ${today} requests today, its daily limit; please try again tomorrow.`,
      { limit: settings.requestLimits.perMemberDaily, placedToday: today },
    );
  }
}

function checkRanking(ranked: RankedCopies, title: string): void {
  if (ranked.ownShelf) {
    const shelf = ranked.ownShelf;
    const where = [shelf.location, shelf.callNumber].filter(Boolean).join(", ");
    throw problem(
      409,
      "on-shelf-locally",
      "On the shelf at your library",
      `"${title}" is on the shelf at your library, ${shelf.libraryName}${where ? ` (${where})` : ""}: ask there.`,
      { shelf: { library: shelf.library, libraryName: shelf.libraryName, callNumber: shelf.callNumber, location: shelf.location } },
    );
  }
  if (ranked.copies.length === 0) {
    throw problem(
      422,
      "no-lender",
      "No member can lend this",
      `No other member has a copy of "${title}" it can lend right now (reference and missing copies are never lent, and members that have suspended lending are not asked).`,
    );
  }
}

type PlacingPatron = NonNullable<Awaited<ReturnType<typeof findPlacingPatron>>>;

/** The patron in good standing, or the problem saying why not. */
function checkPatron(patron: PlacingPatron | undefined, input: PlaceRequestInput, now: Date): asserts patron is PlacingPatron {
  if (!patron) throw problem(404, "patron-not-found", "Patron not found", `No patron with id ${input.patronId}.`);
  const status = effectivePatronStatus(patron, now);
  if (status === "blocked") {
    throw problem(403, "patron-blocked", "Your account is blocked", "Your library has blocked your account for requests; please ask at your library.");
  }
  if (status === "expired") {
    throw problem(403, "patron-expired", "Your card has expired", "Your library card has expired; renew it at your library to place requests.");
  }
}

/** The request this key already placed (read in full only then), or undefined. */
async function placedWithKey(db: Kysely<Database>, patron: PlacingPatron | undefined, key: string): Promise<RequestRow | undefined> {
  // Without the patron row there was no subquery to ask: ask directly.
  if (!patron) return findRequestByKey(db, key);
  return patron.key_request_id === null ? undefined : findRequest(db, patron.key_request_id);
}

interface Placement {
  input: PlaceRequestInput;
  patron: PlacingPatron;
  holdings: Holdings;
  ranked: RankedCopies;
  settings: PodSettings;
  key: string;
  now: Date;
}

/** The limits and the promised copies, read under the patron's and the title's locks. */
async function lockAndCheck(trx: Kysely<Database>, { input, patron, ranked, key, now }: Placement): Promise<PlacingCheck> {
  await lockForPlacing(trx, patron.id, input.recordId);
  return placingCheck(trx, {
    idempotencyKey: key,
    patronId: patron.id,
    clusterId: input.recordId,
    openStates: ACTIVE_STATES,
    borrowerLibraryId: patron.library_id,
    placedSince: startOfUtcDay(now),
    libraryIds: [patron.library_id, ...ranked.copies.map((c) => c.libraryId)],
  });
}

/** The events of submitted → first state, the request's first two steps. */
function placementEvents(row: RequestRow, plan: SendPlan, at: string): NewEvent[] {
  return [
    { requestId: row.id, at, actor: `patron:${row.patron_id}`, from: null, to: "submitted", lenderLibraryId: null, reason: null },
    { requestId: row.id, at, actor: SYSTEM.label, from: "submitted", ...plan.event },
  ];
}

/** The events and notices of submitted → first state, for the request as inserted. */
async function placementRecords(trx: Kysely<Database>, row: RequestRow, plan: SendPlan, notices: NoticeQueue, at: string): Promise<TransitionRecords> {
  notices.add("placed", { ...row, state: "submitted", lender_library_id: null, rota_position: 0 });
  notices.add(plan.trigger, row);
  return { events: placementEvents(row, plan, at), notices: await notices.take(trx), at };
}

/** What presenting the new request would read, known already. */
function presentationFacts(request: RequestRow, plan: SendPlan, placement: Placement, libraries: ReadonlyMap<number, LibraryRef>): PresentationFacts {
  const { patron, holdings } = placement;
  const events = placementEvents(request, plan, request.created_at);
  return {
    events: events.map((e) => ({ request_id: e.requestId, at: e.at, actor: e.actor, from_state: e.from, to_state: e.to, lender_library_id: e.lenderLibraryId, reason: e.reason ?? null })),
    titles: new Map([[request.cluster_id, clusterTitleOf(holdings.records)!]]),
    libraries,
    patronNames: new Map([[patron.id, patron.name]]),
  };
}

/** The request as placing writes it: already in the state `plan` sends it to. */
function newRequestFor({ input, patron, key }: Placement, rota: readonly RotaEntry[], plan: SendPlan, at: string): NewRequest {
  return {
    patronId: patron.id,
    borrowerLibraryId: patron.library_id,
    clusterId: input.recordId,
    pickupLocation: input.pickupLocation ?? null,
    serviceType: input.serviceType,
    state: plan.change.state,
    lenderLibraryId: plan.change.lenderLibraryId,
    rotaPosition: plan.change.rotaPosition,
    rota: JSON.stringify(rota),
    idempotencyKey: key,
    at,
  };
}

/**
 * The transaction: the locks, the limits and promised copies read under them, then the request
 * written straight in its first state (sent to the first lender that can take it, or not supplied)
 * with the events and notices of both steps, as if it had been submitted first.
 */
async function writePlacement(trx: Kysely<Database>, placement: Placement): Promise<PlaceRequestResult & { facts?: PresentationFacts }> {
  const { input, patron, holdings, ranked, settings, now } = placement;
  const at = now.toISOString();
  const check = await lockAndCheck(trx, placement);
  if (check.racedId !== null) return replay((await findRequest(trx, check.racedId))!, input);
  checkPatronLimits(check, settings);

  const rota = withPromisedCopies(ranked.copies, shelfCopiesByLender(holdings.copies, input.serviceType), check.promised);
  const libraries = new Map(check.libraries.map((row) => [row.id, libraryRef(row)]));
  const plan = planSend(rota, 0, libraries, at);
  const notices = new NoticeQueue();
  notices.preload({
    patron: { id: patron.id, name: patron.name, email: patron.email },
    title: { clusterId: input.recordId, title: clusterTitleOf(holdings.records, patron.library_id)! },
    libraries,
  });
  const request = await insertRequestWith(trx, newRequestFor(placement, rota, plan, at), check.reservedRequestId, (row) =>
    placementRecords(trx, row, plan, notices, at),
  );
  return { request, created: true, facts: presentationFacts(request, plan, placement, libraries) };
}

/**
 * Places a request for a patron: eligibility (patron in good standing, limits, no duplicate, not
 * on the shelf at home, at least one lender), the rota (ranked, then promised copies moved back)
 * frozen on the request, and submitted → sent to the first lender, all in one transaction that
 * holds the patron's and the title's locks. The idempotency key (unique in the db) makes a retry
 * return the same request, even when the retries race.
 */
export async function placeRequest(db: Kysely<Database>, input: PlaceRequestInput, options: PlaceRequestOptions = {}): Promise<PlaceRequestResult> {
  const now = input.now ?? new Date();
  const key = storedKey(input.patronId, input.idempotencyKey);

  // The reads that need nothing but the input, at once (separate connections on PostgreSQL).
  const [patron, holdings, settings] = await Promise.all([
    findPlacingPatron(db, input.patronId, key),
    loadHoldings(db, input.recordId, utcDay(now)),
    options.settings ?? cachedPodSettings(db),
  ]);
  const existing = await placedWithKey(db, patron, key);
  if (existing) return replay(existing, input);
  checkPatron(patron, input, now);
  const title = holdings && clusterTitleOf(holdings.records, patron.library_id);
  if (!holdings || title === undefined) throw problem(404, "record-not-found", "Record not found", `No union record with id ${input.recordId}.`);
  if (patron.borrower_id === null) throw problem(409, "patron-without-library", "Your library is unknown", "Your account's library is no longer a member.");

  const ranked = await rankHoldings(db, input.recordId, holdings, { id: patron.borrower_id, latitude: patron.latitude, longitude: patron.longitude }, {
    serviceType: input.serviceType,
    now,
    settings,
    liveAvailability: options.liveAvailability,
    statsMaxAgeMs: options.statsMaxAgeMs,
  });
  checkRanking(ranked, title);

  let result: PlaceRequestResult & { facts?: PresentationFacts };
  try {
    result = await db.transaction().execute((trx) => writePlacement(trx, { input, patron, holdings, ranked, settings, key, now }));
  } catch (error) {
    // The same key placed concurrently by another connection: the unique column decided.
    if (isUniqueViolation(error)) {
      const winner = await findRequestByKey(db, key);
      if (winner) return replay(winner, input);
    }
    throw error;
  }
  if (result.facts) rememberPlaced(result.request, result.facts);
  if (result.created) (options.notifier ?? notifierFor(db)).kick();
  return { request: result.request, created: result.created };
}
