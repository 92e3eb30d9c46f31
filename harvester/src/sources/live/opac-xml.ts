import type { ParsedRecord } from "../../marc/parsed.ts";
import { parseDueDate } from "../../normalise/dates.ts";
import { normaliseStatus } from "../../normalise/status.ts";
import type { ItemStatus } from "../../normalise/types.ts";
import { MarcXmlSink, type RecordDataSink } from "../sru/record-data.ts";
import type { LiveHolding } from "./types.ts";

/** An OPAC record (YAZ's opacxml.xsd, as Z39.50 OPAC syntax is rendered and SRU's "opac" schema). */
export interface OpacRecord {
  /** The bibliographic record, when there is one. */
  record?: ParsedRecord;
  holdings: LiveHolding[];
}

const HOLDING_TEXT = new Set([
  "localLocation",
  "shelvingLocation",
  "callNumber",
  "publicNote",
  "nucCode",
  "copyNumber",
  "enumAndChron",
]);
const CIRCULATION_TEXT = new Set(["availabilityDate", "restrictions", "itemId", "temporaryLocation"]);
const STATUS_PRIORITY: ItemStatus[] = ["missing", "not_lendable", "on_loan", "available"];

interface HoldingFields {
  text: Record<string, string>;
  circulations: Array<{ text: Record<string, string>; availableNow?: string }>;
}

/**
 * Reads `<opacRecord><bibliographicRecord>MARCXML</bibliographicRecord><holdings>...` from SAX
 * events (local names). Each `<circulation>` is one copy: `availableNow` 1 = available, 0 = on
 * loan (due `availabilityDate`), `restrictions` = not lendable; a public note such as "Reference
 * only" or "Missing" overrides that. A `<holding>` without circulation data is one copy whose
 * status comes from its note, else "available" (the target lists it with no restriction).
 */
export class OpacXmlSink implements RecordDataSink<OpacRecord> {
  private readonly stack: string[] = [];
  private bib: MarcXmlSink | undefined;
  private bibDepth = -1;
  private record: ParsedRecord | undefined;
  private readonly holdings: HoldingFields[] = [];
  private holding: HoldingFields | undefined;
  private circulation: HoldingFields["circulations"][number] | undefined;
  private capture: string | undefined;

  openTag(name: string, attributes: Record<string, string>): void {
    const depth = this.stack.push(name) - 1;
    if (this.bib) return this.bib.openTag(name, attributes);
    if (name === "bibliographicRecord") {
      this.bib = new MarcXmlSink();
      this.bibDepth = depth;
      return;
    }
    if (name === "holding") {
      this.holding = { text: {}, circulations: [] };
      return;
    }
    if (!this.holding) return;
    if (name === "circulation") {
      this.circulation = { text: {} };
      return;
    }
    if (this.circulation) {
      if (name === "availableNow") this.circulation.availableNow = attributes.value;
      else if (CIRCULATION_TEXT.has(name)) this.capture = "";
      return;
    }
    if (HOLDING_TEXT.has(name)) this.capture = "";
  }

  text(text: string): void {
    if (this.bib) this.bib.text(text);
    else if (this.capture !== undefined) this.capture += text;
  }

  closeTag(name: string): void {
    const depth = this.stack.length - 1;
    this.stack.pop();
    if (this.bib) {
      if (depth === this.bibDepth) {
        this.record = this.bib.finish();
        this.bib = undefined;
        this.bibDepth = -1;
      } else {
        this.bib.closeTag(name);
      }
      return;
    }
    if (this.capture !== undefined) {
      const value = this.capture.trim();
      this.capture = undefined;
      const into = this.circulation ?? this.holding;
      if (into && value !== "") into.text[name] = value;
      return;
    }
    if (name === "circulation" && this.circulation && this.holding) {
      this.holding.circulations.push(this.circulation);
      this.circulation = undefined;
    } else if (name === "holding" && this.holding) {
      this.holdings.push(this.holding);
      this.holding = undefined;
    }
  }

  finish(): OpacRecord {
    const result: OpacRecord = { holdings: this.holdings.flatMap(toLiveHoldings) };
    if (this.record) result.record = this.record;
    return result;
  }
}

function toLiveHoldings(holding: HoldingFields): LiveHolding[] {
  const { text } = holding;
  const location = [
    ...new Set([text.localLocation, text.shelvingLocation].filter((v): v is string => !!v)),
  ].join(", ");
  const base: Omit<LiveHolding, "status"> = {};
  if (text.callNumber) base.callNumber = text.callNumber;
  if (location) base.location = location;
  if (holding.circulations.length === 0) {
    return [{ ...base, status: noteStatus(text.publicNote) ?? "available" }];
  }
  return holding.circulations.map((circulation) => {
    const found = new Set<ItemStatus>();
    const note = noteStatus(text.publicNote);
    if (note === "missing" || note === "not_lendable") found.add(note);
    const restrictions = circulation.text.restrictions;
    if (restrictions !== undefined) {
      const restricted = normaliseStatus(restrictions);
      found.add(restricted === "missing" ? "missing" : "not_lendable");
    }
    const dueDate = parseDueDate(circulation.text.availabilityDate);
    if (circulation.availableNow?.trim() === "1") found.add("available");
    else found.add("on_loan");
    const status = STATUS_PRIORITY.find((s) => found.has(s)) ?? "available";
    const item: LiveHolding = { ...base, status };
    const barcode = circulation.text.itemId;
    if (barcode) item.barcode = barcode;
    if (circulation.text.temporaryLocation && !item.location)
      item.location = circulation.text.temporaryLocation;
    if (status === "on_loan" && dueDate) item.dueDate = dueDate;
    return item;
  });
}

function noteStatus(note: string | undefined): ItemStatus | undefined {
  return note === undefined ? undefined : normaliseStatus(note);
}
