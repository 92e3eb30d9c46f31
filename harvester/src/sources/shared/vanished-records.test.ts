import { describe, expect, it } from "vitest";
import type { MarcRecord } from "../../marc/record.ts";
import type { HarvestPage, HarvestRecord } from "../types.ts";
import { withVanishedRecords, type ReconcilingContext } from "./vanished-records.ts";

const record = (id: string): MarcRecord => ({
  leader: "00000nam a2200000 a 4500",
  fields: [{ tag: "001", value: id }],
});
const upsert = (id: string, position = 0): HarvestRecord => ({
  kind: "upsert",
  position,
  record: record(id),
});

/** A page of upserts for `ids`, out of `total`, with the checkpoint `{ next }`. */
const page = (ids: string[], total: number, next: number): HarvestPage => ({
  records: ids.map((id) => upsert(id)),
  checkpoint: { next },
  expectedTotal: total,
});

async function* stream(pages: HarvestPage[], failAtEnd?: Error): AsyncGenerator<HarvestPage> {
  yield* pages;
  if (failAtEnd) throw failAtEnd;
}

const full: ReconcilingContext = {
  mode: "full",
  resumeFrom: null,
  lastSuccessAt: null,
  knownLocalIds: () => Promise.resolve(["a", "b", "gone1", "c", "gone2"]),
};

async function run(pages: AsyncIterable<HarvestPage>, context = full) {
  const warnings: string[] = [];
  const out: HarvestPage[] = [];
  for await (const p of withVanishedRecords(pages, context, (m) => warnings.push(m))) out.push(p);
  return { pages: out, warnings };
}

describe("withVanishedRecords", () => {
  const clean = [page(["a", "b"], 3, 2), page(["c"], 3, 3)];

  it("ends a clean full run with deletes for the known ids it did not read", async () => {
    const { pages, warnings } = await run(stream(clean));
    expect(pages.slice(0, 2)).toEqual(clean);
    expect(pages[2]).toEqual({
      records: [
        { kind: "delete", position: 3, localId: "gone1" },
        { kind: "delete", position: 4, localId: "gone2" },
      ],
      checkpoint: { next: 3 },
      expectedTotal: 3,
    });
    expect(warnings).toEqual([]);
  });

  it("adds nothing when every known record was read", async () => {
    const context = { ...full, knownLocalIds: () => Promise.resolve(["c", "a"]) };
    expect((await run(stream(clean), context)).pages).toEqual(clean);
  });

  it("withdraws nothing from incremental or resumed runs, or without the run's known ids", async () => {
    for (const context of [
      { ...full, mode: "incremental" as const },
      { ...full, resumeFrom: { next: 2 } },
      { mode: "full" as const, resumeFrom: null, lastSuccessAt: null },
    ]) {
      const { pages, warnings } = await run(stream(clean), context);
      expect(pages).toEqual(clean);
      expect(warnings).toEqual([]);
    }
  });

  it("withdraws nothing when the run fails, and asks for no known ids", async () => {
    let asked = false;
    const context = { ...full, knownLocalIds: () => ((asked = true), Promise.resolve(["x"])) };
    await expect(run(stream(clean, new Error("connection reset")), context)).rejects.toThrow(
      "connection reset",
    );
    expect(asked).toBe(false);
  });

  it("withdraws nothing when the run saw less than everything, and says why", async () => {
    const rejected: HarvestPage = {
      ...clean[1]!,
      records: [{ kind: "rejected", position: 2, reason: "bad" }],
    };
    const cases: Array<[HarvestPage[], RegExp]> = [
      [[clean[0]!, rejected], /rejected records/],
      [[clean[0]!, page(["c"], 4, 3)], /changed during the harvest/],
      [[page(["a", "b"], 3, 2)], /reported 3 records but 2 were read/],
      [[page([], 0, 0)], /no records at all/],
    ];
    for (const [pages, why] of cases) {
      const result = await run(stream(pages));
      expect(result.pages).toEqual(pages);
      expect(result.warnings.join("\n")).toMatch(why);
    }
  });

  it("withdraws nothing when the run declines (it rejected records while ingesting)", async () => {
    const context = { ...full, knownLocalIds: () => Promise.resolve(undefined) };
    expect((await run(stream(clean), context)).pages).toEqual(clean);
  });

  it("counts deleted records as read, not as vanished", async () => {
    const withDelete: HarvestPage = {
      ...clean[1]!,
      records: [{ kind: "delete", position: 2, localId: "gone1" }],
    };
    const { pages } = await run(stream([clean[0]!, withDelete]));
    expect(pages[2]!.records.map((r) => (r.kind === "delete" ? r.localId : r.kind))).toEqual(["c", "gone2"]);
  });
});
