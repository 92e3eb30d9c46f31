/**
 * A deterministic demo consortium: a stream of member MARC records with the ground truth of which
 * ones describe the same manifestation. Memory use does not grow with the record count.
 */
import type { MarcRecord } from "../../harvester/src/marc/record.ts";
import { catalogueRecord } from "./catalogue.ts";
import { holdingsFields } from "./items.ts";
import { DEMO_LIBRARIES, type DemoLibrary } from "./libraries.ts";
import { drawFamily, type Manifestation } from "./manifestations.ts";
import { Random } from "./prng.ts";

export { DEMO_LIBRARIES, type DemoLibrary } from "./libraries.ts";

export interface ConsortiumOptions {
  /** Total member records across all members. */
  records: number;
  seed: number;
  libraries?: readonly DemoLibrary[];
  /** Due dates of on-loan copies fall 1–35 days after this date (default 2026-12-01). */
  referenceDate?: string;
}

export interface GeneratedRecord {
  library: string;
  localId: string;
  /** Same workKey ⇔ same manifestation: these records should end up in one union record. */
  workKey: string;
  record: MarcRecord;
}

const DEFAULT_REFERENCE_DATE = "2026-12-01";
/** 005 dates spread over these years. */
const MODIFIED_FROM = Date.UTC(2015, 0, 1);
const MODIFIED_SPAN = Date.UTC(2026, 0, 1) - MODIFIED_FROM;

function localIdFor(library: DemoLibrary, n: number): string {
  switch (library.idStyle) {
    case "number":
      return String(n);
    case "bnumber":
      return `b${String(n).padStart(7, "0")}`;
    case "prefixed":
      return `${library.code.toLowerCase()}-${String(n).padStart(8, "0")}`;
  }
}

/** How many members hold a manifestation: 1–4, ebooks and serials at fewer. */
function holderCount(random: Random, m: Manifestation, members: number): number {
  const wanted =
    m.kind === "ebook" || m.kind === "serial"
      ? random.int(1, 2)
      : Number(random.weighted({ "1": 40, "2": 30, "3": 20, "4": 10 } as Record<string, number>));
  return Math.min(wanted, members);
}

export function* generateConsortium(options: ConsortiumOptions): Generator<GeneratedRecord> {
  const libraries = options.libraries ?? DEMO_LIBRARIES;
  if (libraries.length === 0) throw new Error("generateConsortium: no libraries");
  const random = new Random(options.seed);
  const referenceDate = new Date(`${options.referenceDate ?? DEFAULT_REFERENCE_DATE}T00:00:00Z`);
  const recordCounters = new Map<string, number>();
  const itemCounters = new Map<string, number>();
  const bump = (counters: Map<string, number>, code: string) => {
    const n = (counters.get(code) ?? 0) + 1;
    counters.set(code, n);
    return n;
  };
  let ordinal = 0;
  const nextOrdinal = () => ++ordinal;
  let produced = 0;
  while (produced < options.records) {
    for (const manifestation of drawFamily(random, nextOrdinal, options.seed)) {
      const holders = random.sample(libraries, holderCount(random, manifestation, libraries.length));
      for (const library of holders) {
        if (produced >= options.records) return;
        const localId = localIdFor(library, bump(recordCounters, library.code));
        const modified = new Date(MODIFIED_FROM + Math.floor((random.next() * MODIFIED_SPAN) / 1000) * 1000);
        const record = catalogueRecord(random, manifestation, localId, modified);
        record.fields.push(
          ...holdingsFields(random, {
            library,
            manifestation,
            itemNumber: () => bump(itemCounters, library.code),
            referenceDate,
          }),
        );
        produced++;
        yield { library: library.code, localId, workKey: manifestation.workKey, record };
      }
    }
  }
}
