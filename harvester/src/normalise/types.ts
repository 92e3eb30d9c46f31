import type { TitleDescription } from "@interlend/core/title-description";

/** A member's bibliographic record reduced to what clustering, display and search need (language from 008/35-37 or 041$a). */
export interface NormalisedBib extends TitleDescription {
  /** The member's own record id (001, else 035, else a hash of the record). */
  localId: string;
  isbns: string[]; // normalised ISBN-13, no hyphens
  issns: string[]; // NNNN-NNNX
  oclcNumbers: string[]; // digits only, no leading zeros
  lccns: string[];
  edition?: string;
  /** Latest change date of the record (005) as ISO string, when present. */
  modifiedAt?: string;
}

export type ItemStatus = "available" | "on_loan" | "missing" | "not_lendable";
export type LoanType = "returnable" | "non_returnable";

export interface NormalisedItem {
  barcode?: string;
  callNumber?: string;
  location?: string;
  status: ItemStatus;
  dueDate?: string; // YYYY-MM-DD
  lendable: boolean;
  loanType: LoanType;
}
