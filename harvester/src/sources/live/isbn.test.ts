import { describe, expect, it } from "vitest";
import { isbnSearchForms } from "./isbn.ts";

describe("isbnSearchForms", () => {
  it("gives both the ISBN-13 and ISBN-10 forms", () => {
    expect(isbnSearchForms("978-0-306-40615-7")).toEqual(["9780306406157", "0306406152"]);
    expect(isbnSearchForms("0-306-40615-2 (pbk.)")).toEqual(["0306406152", "9780306406157"]);
    expect(isbnSearchForms("080442957x")).toEqual(["080442957X", "9780804429573"]);
    expect(isbnSearchForms("9791234567896")).toEqual(["9791234567896"]);
  });

  it("refuses what is not an ISBN", () => {
    expect(isbnSearchForms("not an isbn")).toEqual([]);
    expect(isbnSearchForms("12345678901234")).toEqual([]);
  });
});
