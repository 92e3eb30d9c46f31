import { describe, expect, it } from "vitest";
import {
  isbn10CheckDigit,
  isbn13CheckDigit,
  isbn13To10,
  normaliseIsbn,
  normaliseIssn,
  normaliseLccn,
  normaliseOclcNumber,
} from "./identifiers.ts";

describe("ISBN", () => {
  it("computes check digits, including X", () => {
    expect(isbn10CheckDigit("019515018")).toBe("X");
    expect(isbn10CheckDigit("067945004")).toBe("1");
    expect(isbn13CheckDigit("978067945004")).toBe("7");
  });

  it("converts valid ISBN-10s to ISBN-13, stripping hyphens and qualifiers", () => {
    expect(normaliseIsbn("0679450041 (acid-free paper)")).toBe("9780679450047");
    expect(normaliseIsbn("0-19-515018-X (pbk. : alk. paper)")).toBe("9780195150186");
    expect(normaliseIsbn("019515018x")).toBe("9780195150186");
    expect(normaliseIsbn("ISBN 0 7868 0877 2")).toBe("9780786808779");
  });

  it("keeps valid ISBN-13s (978 and 979), with or without hyphens", () => {
    expect(normaliseIsbn("9781438433271 (hardcover : alk. paper)")).toBe("9781438433271");
    expect(normaliseIsbn("978-1-4384-3327-1")).toBe("9781438433271");
    expect(normaliseIsbn("979-10-90636-07-1")).toBe("9791090636071");
  });

  it("drops bad check digits, wrong lengths and non-ISBN prefixes", () => {
    expect(normaliseIsbn("0679450042")).toBeUndefined();
    expect(normaliseIsbn("9781438433272")).toBeUndefined();
    expect(normaliseIsbn("12345")).toBeUndefined();
    expect(normaliseIsbn("9771234567003")).toBeUndefined(); // an ISSN-based EAN, not an ISBN
    expect(normaliseIsbn("(pbk.)")).toBeUndefined();
    expect(normaliseIsbn("")).toBeUndefined();
  });

  it("converts 978 ISBN-13s back to ISBN-10", () => {
    expect(isbn13To10("9780195150186")).toBe("019515018X");
    expect(isbn13To10("9791090636071")).toBeUndefined();
  });
});

describe("ISSN", () => {
  it("normalises to NNNN-NNNX and checks the check character", () => {
    expect(normaliseIssn("0028-0836")).toBe("0028-0836");
    expect(normaliseIssn("00280836")).toBe("0028-0836");
    expect(normaliseIssn("ISSN 2049-3630")).toBe("2049-3630");
    expect(normaliseIssn("1050-124x")).toBe("1050-124X");
    expect(normaliseIssn("0028-0837")).toBeUndefined();
    expect(normaliseIssn("002-0836")).toBeUndefined();
  });
});

describe("OCLC numbers", () => {
  it("reads the ocm / ocn / on prefixes and drops leading zeros", () => {
    expect(normaliseOclcNumber("(OCoLC)ocm00012345")).toBe("12345");
    expect(normaliseOclcNumber("(OCoLC)ocn123456789")).toBe("123456789");
    expect(normaliseOclcNumber("(OCoLC)on1234567890")).toBe("1234567890");
    expect(normaliseOclcNumber("(OCoLC)22544415")).toBe("22544415");
    expect(normaliseOclcNumber("(OCoLC) 000987")).toBe("987");
  });

  it("ignores other systems' numbers and FAST headings", () => {
    expect(normaliseOclcNumber("(DLC)  00029063")).toBeUndefined();
    expect(normaliseOclcNumber("12345")).toBeUndefined();
    expect(normaliseOclcNumber("(OCoLC)fst01206470")).toBeUndefined();
    expect(normaliseOclcNumber("(OCoLC)ocm0000")).toBeUndefined();
  });
});

describe("LCCN (the Library of Congress's normalisation examples)", () => {
  it.each([
    ["n78-890351", "n78890351"],
    ["n78-89035", "n78089035"],
    ["n 78890351 ", "n78890351"],
    [" 85000002 ", "85000002"],
    ["85-2 ", "85000002"],
    ["2001-000002", "2001000002"],
    ["75-425165//r75", "75425165"],
    [" 79139101 /AC/r932", "79139101"],
  ])("%j → %s", (raw, expected) => {
    expect(normaliseLccn(raw)).toBe(expected);
  });

  it("rejects values that are not LCCNs", () => {
    expect(normaliseLccn("85-1234567")).toBeUndefined();
    expect(normaliseLccn("abcd")).toBeUndefined();
    expect(normaliseLccn("")).toBeUndefined();
  });
});
