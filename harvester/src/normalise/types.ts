/** A member's bibliographic record reduced to what clustering, display and search need. */
export interface NormalisedBib {
  /** The member's own record id (001, else 035, else a hash of the record). */
  localId: string;
  title: string;
  subtitle?: string;
  authors: string[];
  subjects: string[];
  series?: string;
  publisher?: string;
  year?: number;
  /** book | ebook | serial | journal | audio | video | music | map | score | article | other */
  format: string;
  /** ISO 639-2/B code from 008/35-37 or 041$a, lower case; "und" when unknown. */
  language: string;
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
