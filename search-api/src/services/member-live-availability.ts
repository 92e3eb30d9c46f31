import type { Kysely } from "kysely";
import type { Database } from "@interlend/db";
import { createLiveAvailability, liveAvailabilityOptions, type LiveAvailability as ProtocolLookup } from "@interlend/harvester/sources/live/index";
import type { NormalisedBib } from "@interlend/harvester/normalise/types";
import type { LiveAvailability, LiveItemStatus } from "./ranking/types.ts";

/**
 * Live availability through each member's own Z39.50 or SRU source (the first enabled one). The
 * title is asked for by the member's record id, else its ISBN; the answer maps barcodes and call
 * numbers to their current status. Members without such a source answer undefined (harvested status).
 */
export function memberLiveAvailability(db: Kysely<Database>): LiveAvailability {
  const lookups = new Map<number, Promise<ProtocolLookup | undefined>>();

  const lookupFor = (libraryId: number) => {
    let lookup = lookups.get(libraryId);
    if (!lookup) {
      lookup = db
        .selectFrom("sources")
        .select(["protocol", "endpoint", "options"])
        .where("library_id", "=", libraryId)
        .where("enabled", "=", 1)
        .where("protocol", "in", ["z39.50", "sru"])
        .orderBy("id")
        .executeTakeFirst()
        .then((row) => {
          const options = row && liveAvailabilityOptions(row.protocol, row.endpoint, JSON.parse(row.options) as Record<string, unknown>);
          return options && createLiveAvailability(options);
        });
      lookups.set(libraryId, lookup);
      // Sources change rarely; forget the choice after a while so a new one is picked up.
      setTimeout(() => lookups.delete(libraryId), 300_000).unref();
    }
    return lookup;
  };

  return {
    async check(libraryId, clusterId, signal) {
      const lookup = await lookupFor(libraryId);
      if (!lookup) return undefined;
      const bib = await db
        .selectFrom("bib_records")
        .select(["local_id", "data"])
        .where("cluster_id", "=", clusterId)
        .where("library_id", "=", libraryId)
        .executeTakeFirst();
      if (!bib) return undefined;
      const isbn = (JSON.parse(bib.data) as NormalisedBib).isbns[0];
      const holdings = await lookup.check({ localId: bib.local_id, ...(isbn && { isbn }) }, signal);
      if (!holdings) return undefined;
      const byCopy = new Map<string, LiveItemStatus>();
      for (const holding of holdings) {
        const status: LiveItemStatus = { status: holding.status, dueDate: holding.dueDate ?? null };
        if (holding.barcode) byCopy.set(holding.barcode, status);
        if (holding.callNumber && !byCopy.has(holding.callNumber)) byCopy.set(holding.callNumber, status);
      }
      return byCopy;
    },
  };
}
