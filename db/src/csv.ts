/**
 * CSV as members' systems export it (RFC 4180: quoted fields, "" escapes, line breaks inside
 * quotes, CRLF or LF, a BOM), and the header row that names the columns an import reads.
 */

export interface CsvRecord {
  /** 1-based line on which the record starts. */
  line: number;
  fields: string[];
  /** Set when the record is malformed (e.g. an unterminated quote). */
  error?: string;
}

/** Picks `,`, `;` or tab: whichever appears most in the header line (ILS exports vary). */
export function detectDelimiter(text: string): string {
  const header = text.slice(0, Math.max(0, text.search(/\r?\n/)) || text.length);
  const counts = [",", ";", "\t"].map((d) => [d, header.split(d).length - 1] as const);
  const best = counts.reduce((a, b) => (b[1] > a[1] ? b : a));
  return best[1] > 0 ? best[0] : ",";
}

export function parseCsv(input: string, delimiter = ","): CsvRecord[] {
  const text = input.startsWith("\uFEFF") ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let quoted = false; // the current field began with a quote
  let inQuotes = false;
  let line = 1;
  let recordLine = 1;

  const endField = () => {
    fields.push(field);
    field = "";
    quoted = false;
  };
  const endRecord = (error?: string) => {
    endField();
    const blank = fields.length === 1 && fields[0] === "" && !error;
    if (!blank) records.push({ line: recordLine, fields, ...(error && { error }) });
    fields = [];
  };

  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (inQuotes) {
      if (ch === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i++;
        } else {
          inQuotes = false;
        }
      } else {
        if (ch === "\n") line++;
        field += ch;
      }
      continue;
    }
    if (ch === '"' && field === "" && !quoted) {
      inQuotes = true;
      quoted = true;
    } else if (ch === delimiter) {
      endField();
    } else if (ch === "\n" || ch === "\r") {
      if (ch === "\r" && text[i + 1] === "\n") i++;
      endRecord();
      line++;
      recordLine = line;
    } else {
      field += ch; // a stray quote inside an unquoted field is kept literally
    }
  }
  if (inQuotes) endRecord("unterminated quoted field");
  else if (field !== "" || fields.length > 0 || quoted) endRecord();
  return records;
}

/** A header name or cell word compared loosely: lower-case, letters and digits only. */
export function headerKey(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9]/g, "");
}

/** A CSV file read against its header row: where each known column is, and the rows below. */
export interface CsvTable<Column extends string> {
  header: CsvRecord;
  body: CsvRecord[];
  /** Column → field index; the first header cell matching one of the column's aliases wins. */
  columns: Map<Column, number>;
}

/**
 * Parses an import file (delimiter detected from the header line) and finds its columns by the
 * header names in `aliases`. Answers an error for the file as a whole when it is empty or a
 * `required` column is missing; `listMissing` words the missing columns for that message.
 */
export function readCsvTable<Column extends string>(
  csvText: string,
  aliases: Record<Column, string[]>,
  required: readonly Column[],
  listMissing: (missing: Column[]) => string = (missing) => missing.join(", "),
): { table: CsvTable<Column>; error?: undefined } | { table?: undefined; error: string } {
  const [header, ...body] = parseCsv(csvText, detectDelimiter(csvText.replace(/^\uFEFF/, "")));
  if (!header) return { error: "the file is empty" };

  const columns = new Map<Column, number>();
  header.fields.forEach((name, index) => {
    const key = headerKey(name);
    for (const [column, names] of Object.entries(aliases) as Array<[Column, string[]]>) {
      if (names.includes(key) && !columns.has(column)) columns.set(column, index);
    }
  });
  const missing = required.filter((c) => !columns.has(c));
  if (missing.length > 0) {
    return {
      error: `the header row must name the columns ${listMissing(missing)} (found: ${header.fields.join(", ").slice(0, 200)})`,
    };
  }
  return { table: { header, body, columns } };
}
