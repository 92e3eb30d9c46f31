import type { Kysely } from "kysely";
import { effectivePatronStatus, getPodSettings, placingCheck, type Database, type PlacingCheck, type PodSettings, type RequestRow } from "@interlend/db";
import { problem } from "../../http/problem.ts";
import { notifierFor, type Notifier } from "../../notifications/sender.ts";
import {
  clusterTitle,
  findPatron,
  findRequest,
  findRequestByKey,
  insertEvent,
  insertRequest,
  isUniqueViolation,
  lockCluster,
  lockPatron,
  promisedByLender,
  shelfCopiesByLender,
} from "../../repositories/requests.ts";
import { UnknownBorrowerError } from "../ranking/rank-copies-for.ts";
import type { LiveAvailability, RankedCopies } from "../ranking/types.ts";
import { SYSTEM } from "./access.ts";
import { applyAction, NoticeQueue } from "./lifecycle.ts";
import { buildRota, withPromisedCopies } from "./rota.ts";
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

/**
 * Places a request for a patron: eligibility (patron in good standing, limits, no duplicate, not
 * on the shelf at home, at least one lender), the rota (ranked, then promised copies moved back)
 * frozen on the request, and submitted → sent to the first lender, all in one transaction that
 * holds the patron's and the title's locks. The idempotency key (unique in the db) makes a retry
 * return the same request, even when the retries race.
 */
export async function placeRequest(db: Kysely<Database>, input: PlaceRequestInput, options: PlaceRequestOptions = {}): Promise<PlaceRequestResult> {
  const now = input.now ?? new Date();
  const at = now.toISOString();
  const key = storedKey(input.patronId, input.idempotencyKey);

  // The reads that need nothing but the input, at once (separate connections on PostgreSQL).
  const [existing, patron, settings] = await Promise.all([
    findRequestByKey(db, key),
    findPatron(db, input.patronId),
    options.settings ?? getPodSettings(db),
  ]);
  if (existing) return replay(existing, input);
  if (!patron) throw problem(404, "patron-not-found", "Patron not found", `No patron with id ${input.patronId}.`);
  const status = effectivePatronStatus(patron, now);
  if (status === "blocked") {
    throw problem(403, "patron-blocked", "Your account is blocked", "Your library has blocked your account for requests; please ask at your library.");
  }
  if (status === "expired") {
    throw problem(403, "patron-expired", "Your card has expired", "Your library card has expired; renew it at your library to place requests.");
  }

  const [title, ranking] = await Promise.all([
    clusterTitle(db, input.recordId, patron.library_id),
    buildRota(db, input.recordId, patron.library_id, {
      serviceType: input.serviceType,
      now,
      settings,
      liveAvailability: options.liveAvailability,
      statsMaxAgeMs: options.statsMaxAgeMs,
    }).then(
      (ranked) => ({ ranked }),
      (error: unknown) => ({ error }),
    ),
  ]);
  if (title === undefined) throw problem(404, "record-not-found", "Record not found", `No union record with id ${input.recordId}.`);
  if ("error" in ranking) {
    if (ranking.error instanceof UnknownBorrowerError) throw problem(409, "patron-without-library", "Your library is unknown", "Your account's library is no longer a member.");
    throw ranking.error;
  }
  const ranked = ranking.ranked;
  if (!ranked) throw problem(404, "record-not-found", "Record not found", `No union record with id ${input.recordId}.`);
  checkRanking(ranked, title);

  const notices = new NoticeQueue();
  notices.preload({ patron: { id: patron.id, name: patron.name, email: patron.email }, title: { clusterId: input.recordId, title } });
  let result: PlaceRequestResult;
  try {
    result = await db.transaction().execute(async (trx) => {
      await lockPatron(trx, patron.id);
      const check = await placingCheck(trx, {
        idempotencyKey: key,
        patronId: patron.id,
        clusterId: input.recordId,
        openStates: ACTIVE_STATES,
        borrowerLibraryId: patron.library_id,
        placedSince: startOfUtcDay(now),
      });
      if (check.racedId !== null) return replay((await findRequest(trx, check.racedId))!, input);
      checkPatronLimits(check, settings);

      await lockCluster(trx, input.recordId);
      const [shelf, promised] = await Promise.all([shelfCopiesByLender(trx, input.recordId, input.serviceType), promisedByLender(trx, input.recordId)]);
      const rota = withPromisedCopies(ranked.copies, shelf, promised);

      const request = await insertRequest(trx, {
        patronId: patron.id,
        borrowerLibraryId: patron.library_id,
        clusterId: input.recordId,
        pickupLocation: input.pickupLocation ?? null,
        serviceType: input.serviceType,
        state: "submitted",
        rota: JSON.stringify(rota),
        idempotencyKey: key,
        at,
      });
      await insertEvent(trx, { requestId: request.id, at, actor: `patron:${patron.id}`, from: null, to: "submitted", lenderLibraryId: null, reason: null });
      notices.add("placed", request);
      const sent = await applyAction(trx, request, "send", SYSTEM, { at, notices });
      await notices.write(trx, at);
      return { request: sent, created: true };
    });
  } catch (error) {
    // The same key placed concurrently by another connection: the unique column decided.
    if (isUniqueViolation(error)) {
      const winner = await findRequestByKey(db, key);
      if (winner) return replay(winner, input);
    }
    throw error;
  }
  if (result.created) (options.notifier ?? notifierFor(db)).kick();
  return result;
}
