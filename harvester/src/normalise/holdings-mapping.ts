import type { ItemStatus } from "./types.ts";

/**
 * Where a source keeps its items: the field tag and the subfield codes of each item property.
 * Values are subfield codes; where a list is allowed, the values of all listed subfields are used
 * (call number parts are joined, the first recognised status wins).
 */
export interface HoldingsMapping {
  tag: string;
  barcode?: string;
  callNumber?: string | string[];
  /** Location parts, joined with ", " (duplicates dropped): branch, then shelving location. */
  location?: string | string[];
  /** Status text, read through `statusMap` then the shared vocabulary (normaliseStatus). */
  status?: string | string[];
  dueDate?: string;
  /**
   * Lendability: a value listed in `notLendableValues`, a non-zero number (Koha's not-for-loan)
   * or a word such as "Reference" or "No" makes the item not lendable.
   */
  lendable?: string;
  /** Item or loan type: copies, articles and electronic items are non-returnable; "REF" is not lendable. */
  loanType?: string;
  /** Exact status values (case-insensitive) → status, before the shared vocabulary; for ILS codes. */
  statusMap?: Record<string, ItemStatus>;
  /** Values of the `lendable` or `loanType` subfield that mean "not lendable". */
  notLendableValues?: string[];
  /** Values of the `loanType` subfield that mean non-returnable (added to the built-in words). */
  nonReturnableValues?: string[];
  /**
   * Flag subfields: any value other than "", "0", "n", "no" or "false" sets the status (Koha's
   * $1 lost and $0 withdrawn → missing, $4 damaged → not_lendable).
   */
  flags?: Record<string, ItemStatus>;
}

export type HoldingsPresetName = "marc21-852" | "koha-952" | "iii-945" | "sirsi-949";

export const HOLDINGS_PRESETS: Record<HoldingsPresetName, HoldingsMapping> = {
  /** Koha's item field, as Koha exports it (952 with its default framework codes). */
  "koha-952": {
    tag: "952",
    barcode: "p",
    callNumber: "o",
    location: ["a", "c"],
    dueDate: "q",
    lendable: "7",
    loanType: "y",
    notLendableValues: ["REF", "REFERENCE", "NFL", "NOLOAN"],
    flags: { "1": "missing", "0": "missing", "4": "not_lendable" },
  },
  /**
   * MARC 21 location (852): $p barcode, $k/$h/$i/$m call number, $b/$c location. MARC 21 has no
   * status subfield; many systems put one in the undefined $y, and notes such as "Library use
   * only" or "Due 2024-03-01" in the public note $z, so both are read as status text.
   */
  "marc21-852": {
    tag: "852",
    barcode: "p",
    callNumber: ["k", "h", "i", "m"],
    location: ["b", "c"],
    status: ["y", "z"],
  },
  /** SirsiDynix (Symphony/Unicorn) item export: current location carries the status. */
  "sirsi-949": {
    tag: "949",
    barcode: "i",
    callNumber: "a",
    location: ["m", "l"],
    status: "k",
    loanType: "t",
    notLendableValues: ["REFERENCE", "REF", "NONCIRC"],
  },
  /** Innovative (Millennium/Sierra) item export: one-character status codes in $s. */
  "iii-945": {
    tag: "945",
    barcode: "i",
    callNumber: "a",
    location: "l",
    status: "s",
    loanType: "t",
    statusMap: {
      "-": "available",
      m: "missing",
      z: "missing",
      n: "missing",
      $: "missing",
      w: "missing",
      o: "not_lendable",
      r: "not_lendable",
      t: "on_loan",
      "!": "on_loan",
      p: "on_loan",
    },
  },
};

/** Auto-detection order when a source has no mapping: the first preset whose tag occurs. */
export const HOLDINGS_DETECTION_ORDER: HoldingsPresetName[] = [
  "koha-952",
  "marc21-852",
  "sirsi-949",
  "iii-945",
];
