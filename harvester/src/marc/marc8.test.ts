import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createYazEaccDecoder, yazIconvBinary } from "./eacc.ts";
import {
  fixture,
  FIXTURES_NOTE,
  HAVE_FIXTURES,
  HAVE_YAZ,
  pseudoRandomBytes,
  YAZ_NOTE,
} from "./fixtures.test-support.ts";
import { decodeMarc8, decodeMarc8Fields } from "./marc8.ts";
import { CharacterSet, MARC8_TABLES } from "./marc8-tables.ts";

const bytes = (text: string): Buffer => Buffer.from(text, "latin1");

/**
 * yaz-iconv's own decoding of each input, in one process. Its CLI reads 64-byte blocks and
 * mangles sequences cut by a block boundary, so every input (with its separator) is kept inside
 * one block, padded with 0x88 (U+0098), which is removed again.
 */
function yazDecodeEach(inputs: Buffer[]): string[] {
  const out: number[] = [];
  inputs.forEach((input, i) => {
    const unit = i === 0 ? [...input] : [0x1e, ...input];
    while ((out.length % 64) + unit.length > 64) out.push(0x88);
    out.push(...unit);
  });
  const result = spawnSync(yazIconvBinary(), ["-f", "MARC8", "-t", "UTF-8"], { input: Buffer.from(out) });
  return result.stdout
    .toString("utf8")
    .replace(/\u0098/g, "")
    .split("\x1e");
}
const noYaz = createYazEaccDecoder("/nonexistent/yaz-iconv");

describe("decodeMarc8", () => {
  it("decodes ASCII and ANSEL spacing characters", () => {
    // pymarc's test_marc8.py: the 2004/2005 revisions of the ANSEL table.
    expect(decodeMarc8(bytes("ESZETT SYMBOL: \xc7 is U+00DF"))).toBe("ESZETT SYMBOL: \u00df is U+00DF");
    expect(decodeMarc8(bytes("EURO SIGN: \xc8 is U+20AC"))).toBe("EURO SIGN: \u20ac is U+20AC");
    expect(decodeMarc8(bytes("ALIF: \xae is U+02BC"))).toBe("ALIF: \u02bc is U+02BC");
    expect(decodeMarc8(bytes("\xa1\xa2\xa5 \xb1\xb2\xb5"))).toBe("ŁØÆ łøæ");
  });

  it("moves combining diacritics after their base letter and composes (NFC)", () => {
    expect(decodeMarc8(bytes("De la solitude \xe1a la communaut\xe2e."))).toBe(
      "De la solitude à la communauté.",
    );
    // Two marks on one letter: dot below then macron, both before the "a".
    const twoMarks = decodeMarc8(bytes("\xf2\xe5a"));
    expect(twoMarks).toBe("a\u0323\u0304".normalize("NFC"));
    expect(twoMarks.normalize("NFD")).toBe("a\u0323\u0304");
  });

  it("maps the ligature and double tilde to the spanning marks (LC 2004 revision)", () => {
    expect(decodeMarc8(bytes("\xebt\xecs"))).toBe("t\u0361s");
    expect(decodeMarc8(bytes("\xfan\xfbg"))).toBe("n\u0360g");
  });

  it("switches to subscripts, superscripts and Greek symbols (technique 1)", () => {
    expect(decodeMarc8(bytes("CO\x1bb2\x1bs is a gas"))).toBe("CO\u2082 is a gas");
    expect(decodeMarc8(bytes("E = mc\x1bp2\x1bs"))).toBe("E = mc\u00b2");
    expect(decodeMarc8(bytes("\x1bgabc\x1bs rays"))).toBe("αβγ rays");
  });

  it("designates non-Latin sets into G0 and G1", () => {
    expect(decodeMarc8(bytes("\x1b(NmOSKWA\x1b(B"))).toBe("Москва");
    expect(decodeMarc8(bytes("\x1b(2`ab\x1b(B"))).toBe("אבג");
    expect(decodeMarc8(bytes("\x1b(SABd\x1b(B"))).toBe("ΑΒγ");
    // The same Cyrillic set in G1: bytes 0xa1..0xfe.
    expect(decodeMarc8(bytes("x \x1b)N\xed\xcf\xd3\xcb\xd7\xc1"))).toBe("x Москва");
    expect(decodeMarc8(bytes("\x1b(3\x47\x64\x1b(B"))).toBe("\u0627\u0644");
  });

  it("replaces unknown bytes and broken escapes with U+FFFD, never throwing", () => {
    expect(decodeMarc8(bytes("a\xffb\xa0c"))).toBe("a\ufffdb\ufffdc");
    expect(decodeMarc8(bytes("La Soci\x1bt\xe2e"))).toBe("La Soci\ufffdté");
    expect(decodeMarc8(bytes("end\x1b("))).toBe("end\ufffd(");
    expect(decodeMarc8(bytes("\x1b(Zx"))).toBe("\ufffd(Zx");
    for (let seed = 1; seed <= 300; seed++) {
      const junk = pseudoRandomBytes(200, seed);
      expect(() => decodeMarc8(junk, { eacc: noYaz })).not.toThrow();
    }
  });

  it("carries designations from one subfield to the next within a field, not across fields", () => {
    const [first, second] = decodeMarc8Fields([
      [bytes("\x1b(NmOSKWA"), bytes("KSMO\x1b(B,")],
      [bytes("KSMO")],
    ]);
    expect(first).toEqual(["Москва", "ксмо,"]);
    expect(second).toEqual(["KSMO"]);
  });

  it("substitutes U+FFFD for CJK when yaz-iconv is missing", () => {
    expect(decodeMarc8(bytes("\x1b$1!S+!#!\x1b(B."), { eacc: noYaz })).toBe("\ufffd\ufffd.");
  });
});

describe.skipIf(!HAVE_FIXTURES)(
  `MARC-8 oracle: pymarc test_marc8.txt → test_utf8.txt${FIXTURES_NOTE}`,
  () => {
    const marc8Lines = (): Buffer[] => {
      const data = readFileSync(fixture("pymarc/test_marc8.txt"));
      const lines: Buffer[] = [];
      for (let start = 0, i = 0; i <= data.length; i++) {
        if (i === data.length || data[i] === 0x0a) {
          lines.push(data.subarray(start, i));
          start = i + 1;
        }
      }
      return lines.slice(0, 1515);
    };
    const expected = (): string[] =>
      readFileSync(fixture("pymarc/test_utf8.txt"), "utf8").split("\n").slice(0, 1515);
    const isCjk = (line: Buffer): boolean => line.includes("\x1b$1");

    it("decodes every line without CJK exactly (Latin, Hebrew, Arabic, Cyrillic, Greek)", () => {
      const lines = marc8Lines();
      const want = expected();
      const latin = lines.map((line, i) => ({ line, want: want[i]!, i })).filter(({ line }) => !isCjk(line));
      expect(latin.length).toBe(516);
      const got = decodeMarc8Fields(
        latin.map(({ line }) => [line]),
        { eacc: noYaz },
      );
      const mismatches = latin.filter(({ want: w }, k) => got[k]![0] !== w).map(({ i }) => i + 1);
      expect(mismatches).toEqual([]);
    });

    it.skipIf(!HAVE_YAZ)(`decodes the CJK lines through yaz-iconv${YAZ_NOTE}`, () => {
      const lines = marc8Lines();
      const want = expected();
      const got = decodeMarc8Fields(lines.map((line) => [line]));
      const mismatches = lines.flatMap((line, i) => (isCjk(line) && got[i]![0] !== want[i] ? [i + 1] : []));
      // Line 1515 uses pymarc-specific EACC punctuation codes that contain control bytes; yaz (and
      // the LC table) do not define them.
      expect(mismatches).toEqual([1515]);
      expect(lines.filter(isCjk).length).toBe(999);
    });
  },
);

describe.skipIf(!HAVE_YAZ)(`MARC-8 tables agree with yaz-iconv byte by byte${YAZ_NOTE}`, () => {
  const finals: Array<[string, number[]]> = [
    ["Extended Latin", [0x21, 0x45]],
    ["Basic Hebrew", [0x32]],
    ["Basic Arabic", [0x33]],
    ["Extended Arabic", [0x34]],
    ["Basic Cyrillic", [0x4e]],
    ["Extended Cyrillic", [0x51]],
    ["Basic Greek", [0x53]],
  ];

  it.each(finals)("%s as G0 and as G1", (_name, final) => {
    const table = MARC8_TABLES.get(final[final.length - 1]!)!;
    const inputs: Buffer[] = [];
    for (let b = 0x21; b <= 0x7e; b++) {
      inputs.push(Buffer.from([0x1b, 0x28, ...final, b, 0x1b, 0x28, 0x42, 0x7a])); // G0, then "z"
      inputs.push(Buffer.from([0x1b, 0x29, ...final, b | 0x80, 0x7a])); // G1, then "z"
    }
    const expectedOutputs = yazDecodeEach(inputs);
    expect(expectedOutputs.length).toBe(inputs.length);
    const got = decodeMarc8Fields(inputs.map((input) => [input]));
    let compared = 0;
    inputs.forEach((input, i) => {
      const byte = input[input.length - 2]! & 0x7f;
      if (table.codePoints[byte] === 0 || expectedOutputs[i] === "z") return; // undefined in the set
      expect([input.toString("hex"), got[i]![0]]).toEqual([
        input.toString("hex"),
        expectedOutputs[i]!.normalize("NFC"),
      ]);
      compared++;
    });
    expect(compared).toBeGreaterThan(20);
  });

  it("technique 1 sets (subscripts, superscripts, Greek symbols)", () => {
    for (const escape of [0x62, 0x70, 0x67]) {
      const table = MARC8_TABLES.get(escape)!;
      const defined = [...Array(94).keys()].map((k) => k + 0x21).filter((b) => table.codePoints[b] !== 0);
      const inputs = defined.map((b) => Buffer.from([0x1b, escape, b, 0x1b, 0x73]));
      const got = decodeMarc8Fields(inputs.map((input) => [input])).map(([text]) => text);
      expect(got).toEqual(yazDecodeEach(inputs));
    }
    expect(decodeMarc8(Buffer.from([0x1b, CharacterSet.subscripts, 0x30, 0x1b, 0x73]))).toBe("\u2080");
  });
});
