/**
 * Holdings fields for the demo members: Koha-style 952 items or MARC 21 852 fields with a status
 * in $y (the "marc21-852" preset reads $y and $z). About 20% of copies are on loan with a due
 * date, 5% are reference copies, 2% are missing.
 */
import type { DataField } from "../../harvester/src/marc/record.ts";
import type { DemoLibrary } from "./libraries.ts";
import type { Manifestation } from "./manifestations.ts";
import type { Random } from "./prng.ts";

type CopyState = "available" | "on_loan" | "reference" | "missing";

export interface ItemContext {
  library: DemoLibrary;
  manifestation: Manifestation;
  /** Sequential per member, for barcodes. */
  itemNumber: () => number;
  /** Due dates fall within 1–35 days of this date. */
  referenceDate: Date;
}

function isoDay(date: Date): string {
  return date.toISOString().slice(0, 10);
}

function stateOf(random: Random): CopyState {
  return random.weighted({ available: 73, on_loan: 20, reference: 5, missing: 2 });
}

function callNumber(random: Random, m: Manifestation, style: "dewey" | "lc"): string {
  const cutter = (m.author?.name ?? m.title)
    .replace(/^(The|A|An) /, "")
    .slice(0, 3)
    .toUpperCase();
  if (m.kind === "serial") return "PER";
  if (style === "dewey") return `${m.dewey} ${cutter}`;
  const letters = "ABDEGHJKLMNPQRSTUZ";
  return `${letters[random.int(0, letters.length - 1)]}${random.int(1, 9999)} .${cutter.charAt(0)}${random.int(10, 99)} ${m.year}`;
}

export function holdingsFields(random: Random, context: ItemContext): DataField[] {
  const { library, manifestation: m } = context;
  const copies =
    m.kind === "ebook" ? 1 : random.weighted({ "1": 60, "2": 30, "3": 10 } as Record<string, number>);
  const fields: DataField[] = [];
  for (let i = 0; i < Number(copies); i++) {
    const state: CopyState = m.kind === "ebook" ? "available" : stateOf(random);
    const barcode = `${library.code.slice(0, 2)}${String(context.itemNumber()).padStart(9, "0")}`;
    const due = new Date(context.referenceDate.getTime() + random.int(1, 35) * 86_400_000);
    fields.push(
      library.holdings === "koha-952"
        ? kohaItem(random, context, state, barcode, isoDay(due))
        : marc852(random, context, state, barcode, isoDay(due)),
    );
  }
  return fields;
}

function kohaItem(
  random: Random,
  context: ItemContext,
  state: CopyState,
  barcode: string,
  due: string,
): DataField {
  const m = context.manifestation;
  const itemType =
    m.kind === "ebook"
      ? "EBOOK"
      : m.kind === "serial"
        ? "SER"
        : m.kind === "large-print"
          ? "LP"
          : state === "reference"
            ? "REF"
            : "BK";
  const shelf =
    state === "reference"
      ? "REF"
      : m.kind === "large-print"
        ? "LARGEPRINT"
        : random.pick(["STACKS", "STACKS", "NEW", "ADULT"]);
  const pairs: Array<[string, string]> = [
    ["a", context.library.code],
    ["b", context.library.code],
    ["c", shelf],
    ["o", callNumber(random, m, "dewey")],
    ["p", barcode],
    ["y", itemType],
    ["7", state === "reference" && random.chance(0.5) ? "1" : "0"],
    ["1", state === "missing" ? "1" : "0"],
  ];
  if (state === "on_loan") pairs.push(["q", due]);
  return { tag: "952", ind1: " ", ind2: " ", subfields: pairs };
}

function marc852(
  random: Random,
  context: ItemContext,
  state: CopyState,
  barcode: string,
  due: string,
): DataField {
  const m = context.manifestation;
  const status: Record<CopyState, string[]> = {
    available: ["Available", "On shelf", "Checked in"],
    on_loan: [`Due ${due}`, `Checked out, due ${due}`],
    reference: ["Reference", "Library use only", "Non-circulating"],
    missing: ["Missing", "Lost"],
  };
  const [klass, ...rest] = callNumber(random, m, "lc").split(" ");
  const pairs: Array<[string, string]> = [
    ["a", context.library.code],
    ["b", random.pick(["Main", "Annex", "Branch"])],
    ["c", state === "reference" ? "Reference" : m.kind === "serial" ? "Periodicals" : "Stacks"],
    ["h", klass ?? ""],
  ];
  if (rest.length) pairs.push(["i", rest.join(" ")]);
  pairs.push(["p", barcode], ["y", random.pick(status[state])]);
  if (random.chance(0.05)) pairs.push(["z", "Gift of the Friends of the Library"]);
  return { tag: "852", ind1: "0", ind2: " ", subfields: pairs };
}
