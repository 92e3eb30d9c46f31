/** How a title is described, the same in a member's normalised record and in the union document built from it. */
export interface TitleDescription {
  title: string;
  subtitle?: string;
  authors: string[];
  subjects: string[];
  series?: string;
  publisher?: string;
  year?: number;
  /** book | ebook | serial | journal | audio | video | music | map | score | article | other */
  format: string;
  /** ISO 639-2/B code, lower case; "und" when unknown. */
  language: string;
}
