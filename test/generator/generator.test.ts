import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { strongMatchKeys } from "../../harvester/src/cluster/match-keys.ts";
import { readMarcFile } from "../../harvester/src/marc/index.ts";
import { toMarcXmlRecord } from "../../harvester/src/marc/writers.ts";
import { normaliseBib } from "../../harvester/src/normalise/bib.ts";
import { extractItems } from "../../harvester/src/normalise/holdings.ts";
import type { NormalisedBib, NormalisedItem } from "../../harvester/src/normalise/types.ts";
import { DEMO_LIBRARIES, generateConsortium } from "./consortium.ts";
import { writeDemoConsortium } from "./write-files.ts";

interface Harvested {
  library: string;
  workKey: string;
  bib: NormalisedBib;
  items: NormalisedItem[];
}

const RECORDS = 600;
let dir: string;
let harvested: Harvested[];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "interlend-demo-"));
  const result = await writeDemoConsortium({ records: RECORDS, outDir: dir, format: "marcxml", seed: 7 });
  const truth = new Map<string, string>();
  for (const line of readFileSync(result.groundTruth, "utf8").split("\n").filter(Boolean)) {
    const { library, localId, workKey } = JSON.parse(line) as {
      library: string;
      localId: string;
      workKey: string;
    };
    truth.set(`${library}/${localId}`, workKey);
  }
  harvested = [];
  for (const [library, file] of Object.entries(result.files)) {
    for await (const parsed of readMarcFile(file)) {
      if (!parsed.ok) throw new Error(`${library}: ${parsed.reason}`);
      const bib = normaliseBib(parsed.record);
      harvested.push({
        library,
        workKey: truth.get(`${library}/${bib.localId}`) ?? "?",
        bib,
        items: extractItems(parsed.record),
      });
    }
  }
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function byWork(records: Harvested[]): Map<string, Harvested[]> {
  const groups = new Map<string, Harvested[]>();
  for (const r of records) groups.set(r.workKey, [...(groups.get(r.workKey) ?? []), r]);
  return groups;
}

describe("demo consortium written as MARCXML and harvested back", () => {
  it("holds the requested number of records, spread over six members, all with ground truth", () => {
    expect(harvested).toHaveLength(RECORDS);
    expect(new Set(harvested.map((r) => r.library))).toEqual(new Set(DEMO_LIBRARIES.map((l) => l.code)));
    expect(harvested.filter((r) => r.workKey === "?")).toEqual([]);
  });

  it("has overlap: the same ISBN-13 at two or more members", () => {
    const holders = new Map<string, Set<string>>();
    for (const r of harvested)
      for (const isbn of r.bib.isbns) holders.set(isbn, (holders.get(isbn) ?? new Set()).add(r.library));
    const shared = [...holders.values()].filter((libraries) => libraries.size >= 2);
    expect(shared.length).toBeGreaterThan(50);
  });

  it("records of one manifestation share a strong key wherever they have identifiers", () => {
    for (const [workKey, records] of byWork(harvested)) {
      const keyed = records.map((r) => strongMatchKeys(r.bib)).filter((keys) => keys.length > 0);
      if (keyed.length < 2) continue;
      const common = keyed.reduce((a, b) => a.filter((k) => b.includes(k)));
      expect(common, `${workKey}: ${JSON.stringify(keyed)}`).not.toEqual([]);
    }
  });

  it("different manifestations (other editions, ebooks, large print) never share a strong key", () => {
    const owner = new Map<string, string>();
    for (const r of harvested) {
      for (const key of strongMatchKeys(r.bib)) {
        expect(owner.get(key) ?? r.workKey, key).toBe(r.workKey);
        owner.set(key, r.workKey);
      }
    }
  });

  it("catalogues the same manifestation differently at different members", () => {
    const variedTitles = [...byWork(harvested).values()].filter(
      (records) =>
        new Set(
          records.map((r) => `${r.bib.subtitle ?? ""}|${r.bib.authors.join(";")}|${r.bib.subjects.length}`),
        ).size > 1,
    );
    expect(variedTitles.length).toBeGreaterThan(10);
    expect(harvested.some((r) => strongMatchKeys(r.bib).length === 0)).toBe(true);
    expect(harvested.some((r) => r.bib.oclcNumbers.length > 0)).toBe(true);
    expect(harvested.some((r) => r.bib.issns.length > 0)).toBe(true);
  });

  it("has other formats and languages besides English books", () => {
    const formats = new Set(harvested.map((r) => r.bib.format));
    expect(formats).toContain("book");
    expect([...formats].some((f) => f === "ebook" || f === "journal" || f === "serial")).toBe(true);
    expect(harvested.filter((r) => r.bib.language !== "eng").length).toBeGreaterThan(0);
    expect(harvested.every((r) => r.bib.year !== undefined && r.bib.modifiedAt !== undefined)).toBe(true);
  });

  it("has items on loan with due dates, not-lendable and missing copies, in 952 and 852 shapes", () => {
    const items = harvested.flatMap((r) => r.items);
    expect(harvested.every((r) => r.items.length >= 1 && r.items.length <= 3)).toBe(true);
    const share = (status: string) => items.filter((i) => i.status === status).length / items.length;
    expect(share("on_loan")).toBeGreaterThan(0.1);
    expect(share("on_loan")).toBeLessThan(0.3);
    expect(share("not_lendable")).toBeGreaterThan(0.01);
    expect(
      items.filter((i) => i.status === "on_loan").every((i) => /^\d{4}-\d{2}-\d{2}$/.test(i.dueDate ?? "")),
    ).toBe(true);
    expect(items.filter((i) => i.status === "not_lendable").every((i) => !i.lendable)).toBe(true);
    expect(items.some((i) => i.status === "missing")).toBe(true);
    const shapes = new Set(harvested.map((r) => (r.items[0]?.location?.includes(r.library) ? "952" : "852")));
    expect(shapes).toEqual(new Set(["952", "852"]));
  });

  it("does not rewrite matching files, and regenerates when the seed changes", async () => {
    const before = statSync(path.join(dir, "NORTH.xml")).mtimeMs;
    const again = await writeDemoConsortium({ records: RECORDS, outDir: dir, format: "marcxml", seed: 7 });
    expect(again.written).toBe(false);
    expect(statSync(path.join(dir, "NORTH.xml")).mtimeMs).toBe(before);
    const other = await writeDemoConsortium({ records: 50, outDir: dir, format: "marcxml", seed: 8 });
    expect(other.written).toBe(true);
  });
});

describe("generateConsortium", () => {
  const dump = (seed: number, records = 300) =>
    [...generateConsortium({ records, seed })].map(
      (g) => `${g.library} ${g.workKey} ${toMarcXmlRecord(g.record)}`,
    );

  it("is deterministic for a seed and differs between seeds", () => {
    expect(dump(42)).toEqual(dump(42));
    expect(dump(43)).not.toEqual(dump(42));
  });

  it("streams: a prefix of a large run is the same as a small run", () => {
    const iterator = generateConsortium({ records: 1_000_000, seed: 42 });
    const first: string[] = [];
    for (const g of iterator) {
      first.push(`${g.library} ${g.workKey} ${toMarcXmlRecord(g.record)}`);
      if (first.length === 100) break;
    }
    expect(first).toEqual(dump(42, 100));
  });

  it("writes ISO 2709 that reads back", async () => {
    const isoDir = mkdtempSync(path.join(tmpdir(), "interlend-demo-iso-"));
    try {
      const result = await writeDemoConsortium({ records: 60, outDir: isoDir, format: "iso2709", seed: 3 });
      let count = 0;
      for (const file of Object.values(result.files)) {
        expect(file.endsWith(".mrc")).toBe(true);
        for await (const parsed of readMarcFile(file)) {
          expect(parsed.ok).toBe(true);
          count++;
        }
      }
      expect(count).toBe(60);
    } finally {
      rmSync(isoDir, { recursive: true, force: true });
    }
  });
});
