/**
 * The forms of an ISBN worth searching for: the digits as given (hyphens and spaces dropped) and
 * its ISBN-10 / ISBN-13 counterpart, since catalogues index whichever form they were given.
 * Empty when the text is not an ISBN.
 */
export function isbnSearchForms(text: string): string[] {
  const compact = text.replace(/[\s-]/g, "").toUpperCase();
  const match = /^(\d{13}|\d{9}[\dX])(?![\dX])/.exec(compact);
  if (!match) return [];
  const isbn = match[1] ?? "";
  const forms = [isbn];
  if (isbn.length === 10) forms.push(toIsbn13(isbn));
  else if (isbn.startsWith("978")) forms.push(toIsbn10(isbn));
  return forms;
}

function toIsbn13(isbn10: string): string {
  const body = `978${isbn10.slice(0, 9)}`;
  let sum = 0;
  for (let i = 0; i < 12; i++) sum += Number(body[i]) * (i % 2 === 0 ? 1 : 3);
  return `${body}${(10 - (sum % 10)) % 10}`;
}

function toIsbn10(isbn13: string): string {
  const body = isbn13.slice(3, 12);
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(body[i]) * (10 - i);
  const check = (11 - (sum % 11)) % 11;
  return `${body}${check === 10 ? "X" : String(check)}`;
}
