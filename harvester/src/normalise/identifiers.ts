/**
 * Identifier normalisation for match keys: ISBN (to ISBN-13), ISSN, OCLC number and LCCN.
 * Every function returns `undefined` for a value that is not a valid identifier of its kind.
 */

/** Check digit of an ISBN-10 from its first nine digits ("X" stands for 10). */
export function isbn10CheckDigit(first9: string): string {
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += (10 - i) * Number(first9[i]);
  const check = (11 - (sum % 11)) % 11;
  return check === 10 ? "X" : String(check);
}

/** Check digit of an ISBN-13 (or any EAN-13) from its first twelve digits. */
export function isbn13CheckDigit(first12: string): string {
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += (i % 2 === 0 ? 1 : 3) * Number(first12[i]);
  return String((10 - (sum % 10)) % 10);
}

/** The first run of digits, hyphens and spaces that ends in a digit or X: "0-19-515018-X (pbk.)". */
const ISBN_CANDIDATE = /\d[\d\s-]*[\dXx]/;

/**
 * Normalises an ISBN as catalogued in 020 $a ("0-19-515018-X (pbk. : alk. paper)", "ISBN
 * 978-1-4384-3327-1") to a bare ISBN-13. Invalid check digits and wrong lengths give `undefined`.
 */
export function normaliseIsbn(raw: string): string | undefined {
  const match = ISBN_CANDIDATE.exec(raw.replace(/^\s*ISBN(?:-1[03])?:?/i, ""));
  if (!match) return undefined;
  const compact = match[0].replace(/[\s-]/g, "").toUpperCase();
  if (/^\d{9}[\dX]$/.test(compact)) {
    if (isbn10CheckDigit(compact) !== compact[9]) return undefined;
    const first12 = `978${compact.slice(0, 9)}`;
    return first12 + isbn13CheckDigit(first12);
  }
  if (/^97[89]\d{10}$/.test(compact)) {
    return isbn13CheckDigit(compact) === compact[12] ? compact : undefined;
  }
  return undefined;
}

/** Converts an ISBN-13 in the 978 range back to ISBN-10 (the generator uses it for variants). */
export function isbn13To10(isbn13: string): string | undefined {
  if (!/^978\d{10}$/.test(isbn13)) return undefined;
  const first9 = isbn13.slice(3, 12);
  return first9 + isbn10CheckDigit(first9);
}

/** Check character of an ISSN from its first seven digits. */
export function issnCheckDigit(first7: string): string {
  let sum = 0;
  for (let i = 0; i < 7; i++) sum += (8 - i) * Number(first7[i]);
  const check = (11 - (sum % 11)) % 11;
  return check === 10 ? "X" : String(check);
}

/** Normalises an ISSN ("0028-0836", "0028 0836", "ISSN 0028083X") to NNNN-NNNX, checking it. */
export function normaliseIssn(raw: string): string | undefined {
  const match = /(\d{4})\s*[-‐–]?\s*(\d{3}[\dXx])(?![\dXx])/.exec(raw);
  if (!match) return undefined;
  const digits = `${match[1]}${match[2]}`.toUpperCase();
  if (issnCheckDigit(digits) !== digits[7]) return undefined;
  return `${digits.slice(0, 4)}-${digits.slice(4)}`;
}

/**
 * OCLC number from an 035 $a: "(OCoLC)ocm00012345", "(OCoLC)ocn123456789",
 * "(OCoLC)on1234567890" or "(OCoLC)12345" → digits without leading zeros. Other prefixes, such as
 * FAST's "(OCoLC)fst01206470", and values without the (OCoLC) prefix give `undefined`.
 */
export function normaliseOclcNumber(raw: string): string | undefined {
  const match = /^\s*\(OCoLC\)\s*(.*)$/i.exec(raw);
  if (!match) return undefined;
  return oclcDigits(match[1] ?? "");
}

/** An OCLC control number as found in 001 (with 003 "OCoLC"): "ocm22544415 " → "22544415". */
export function oclcDigits(value: string): string | undefined {
  const match = /^(?:ocm|ocn|on)?\s*(\d+)\s*$/i.exec(value);
  if (!match) return undefined;
  const digits = (match[1] ?? "").replace(/^0+/, "");
  return digits === "" ? undefined : digits;
}

/**
 * LCCN normalisation as the Library of Congress defines it (lccn-namespace): remove blanks;
 * drop a forward slash and everything after it; remove a hyphen and left-pad the serial after it
 * with zeros to six digits. Examples: "n78-89035" → "n78089035", "85-2 " → "85000002",
 * " 79139101 /AC/r932" → "79139101". The result must be a 0–3 letter prefix, a 2- or 4-digit year
 * and a 6-digit serial.
 */
export function normaliseLccn(raw: string): string | undefined {
  let value = raw.replace(/\s+/g, "");
  const slash = value.indexOf("/");
  if (slash >= 0) value = value.slice(0, slash);
  const hyphen = value.indexOf("-");
  if (hyphen >= 0) {
    const serial = value.slice(hyphen + 1);
    if (!/^\d{1,6}$/.test(serial)) return undefined;
    value = value.slice(0, hyphen) + serial.padStart(6, "0");
  }
  value = value.toLowerCase();
  return /^[a-z]{0,3}\d{8}(?:\d{2})?$/.test(value) ? value : undefined;
}
