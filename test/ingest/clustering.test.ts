/** Clustering through the real ingest path and db, on both dialects. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createSource, ensureLibrary, type Source } from "@interlend/db";
import { runHarvest } from "@interlend/harvester/run/run-harvest";
import { createTestDatabase, DIALECTS, postgresAvailable, type TestDatabase } from "../support/databases.ts";
import { bibRecord, memorySource, type BibSpec } from "../support/marc-factory.ts";

describe.each(DIALECTS)("clustering on %s", (dialect) => {
  let database: TestDatabase | undefined;
  const sources: Record<string, Source> = {};

  beforeEach(async (ctx) => {
    if (dialect === "postgres" && !(await postgresAvailable())) return ctx.skip();
    database = await createTestDatabase(dialect);
    for (const code of ["AAA", "BBB", "CCC"]) {
      const library = await ensureLibrary(database.db, { code, name: `Library ${code}` });
      sources[code] = await createSource(database.db, { libraryId: library.id, name: `${code}-mem`, protocol: "file", endpoint: "memory" });
    }
  });
  afterEach(async () => {
    await database?.dispose();
    database = undefined;
  });

  const harvest = async (code: string, ...pages: Array<Array<BibSpec | { delete: string }>>) => {
    const adapter = memorySource(pages.map((p) => p.map((r) => ("delete" in r ? r : bibRecord(r)))));
    const run = await runHarvest({ db: database!.db, source: sources[code]!, adapter });
    expect(run.error).toBeNull();
    return run;
  };
  const clusterOf = async (code: string, localId: string) => {
    const row = await database!.db
      .selectFrom("bib_records")
      .select("cluster_id")
      .where("source_id", "=", sources[code]!.id)
      .where("local_id", "=", localId)
      .executeTakeFirstOrThrow();
    return row.cluster_id;
  };

  it("joins the same work across members by ISBN-10 vs ISBN-13, OCLC number and ISSN", async () => {
    await harvest("AAA", [
      { id: "a1", title: "The river of time /", author: "Moss, Ada.", year: 2001, isbns: ["0-306-40615-2"] },
      { id: "a2", title: "Journal of tests", issn: "0378-5955" },
      { id: "a3", title: "Ocean tides", author: "Reef, Bo", year: 1999, oclc: "ocm00012345" },
    ]);
    await harvest("BBB", [
      { id: "b1", title: "River of time", author: "Moss, Ada", year: 2001, isbns: ["978-0-306-40615-7 (pbk.)"] },
      { id: "b2", title: "Journal of tests.", issn: "0378-5955" },
      { id: "b3", title: "Ocean tides :", author: "Reef, Bo", year: 1999, oclc: "12345" },
    ]);
    expect(await clusterOf("AAA", "a1")).toBe(await clusterOf("BBB", "b1"));
    expect(await clusterOf("AAA", "a2")).toBe(await clusterOf("BBB", "b2"));
    expect(await clusterOf("AAA", "a3")).toBe(await clusterOf("BBB", "b3"));
    expect(await clusterOf("AAA", "a1")).not.toBe(await clusterOf("AAA", "a3"));
  });

  it("keeps other editions apart even with the same title, author and year", async () => {
    await harvest("AAA", [{ id: "a1", title: "Gardens", author: "Green, Ann", year: 2010, isbns: ["9780000000002"] }]);
    await harvest("BBB", [{ id: "b1", title: "Gardens", author: "Green, Ann", year: 2010, isbns: ["9780000000019"] }]);
    expect(await clusterOf("AAA", "a1")).not.toBe(await clusterOf("BBB", "b1"));
  });

  it("joins an unidentified record to the one matching work, but never bridges two by work key alone", async () => {
    await harvest("AAA", [{ id: "a1", title: "Orchards of the north", author: "Apple, Tim", year: 1987, isbns: ["9780000000026"] }]);
    await harvest("BBB", [{ id: "b1", title: "Orchards of the North.", author: "Apple, Tim.", year: 1987 }]);
    expect(await clusterOf("BBB", "b1")).toBe(await clusterOf("AAA", "a1"));

    await harvest("AAA", [[{ id: "a2", title: "Winter", author: "Snow, Al", year: 1990, isbns: ["9780000000033"] }]].flat());
    await harvest("BBB", [{ id: "b2", title: "Winter", author: "Snow, Al", year: 1990, isbns: ["9780000000040"] }]);
    await harvest("CCC", [{ id: "c1", title: "Winter", author: "Snow, Al", year: 1990 }]);
    const a2 = await clusterOf("AAA", "a2");
    const b2 = await clusterOf("BBB", "b2");
    expect(a2).not.toBe(b2);
    const c1 = await clusterOf("CCC", "c1");
    expect(c1).not.toBe(a2);
    expect(c1).not.toBe(b2);
  });

  it("merges two clusters when a record bridges them, and splits them when it goes", async () => {
    await harvest("AAA", [{ id: "a1", title: "Bridges", year: 2005, isbns: ["9780000000057"] }]);
    await harvest("BBB", [{ id: "b1", title: "Bridges", year: 2005, oclc: "555" }]);
    const before = [await clusterOf("AAA", "a1"), await clusterOf("BBB", "b1")];
    expect(before[0]).not.toBe(before[1]);

    await harvest("CCC", [{ id: "c1", title: "Bridges", year: 2005, isbns: ["9780000000057"], oclc: "555" }]);
    const merged = await clusterOf("CCC", "c1");
    expect(await clusterOf("AAA", "a1")).toBe(merged);
    expect(await clusterOf("BBB", "b1")).toBe(merged);
    expect(merged).toBe(Math.min(before[0]!, before[1]!));
    const outbox = await database!.db.selectFrom("index_outbox").select("cluster_id").execute();
    expect(outbox.map((o) => o.cluster_id)).toEqual(expect.arrayContaining(before as number[]));

    await harvest("CCC", [{ delete: "c1" }]);
    expect(await clusterOf("AAA", "a1")).not.toBe(await clusterOf("BBB", "b1"));
  });

  it("splits a cluster when a record is edited to another identifier", async () => {
    await harvest("AAA", [{ id: "a1", title: "Edits", year: 2012, isbns: ["9780000000064"] }]);
    await harvest("BBB", [{ id: "b1", title: "Edits", year: 2012, isbns: ["9780000000064"] }]);
    expect(await clusterOf("AAA", "a1")).toBe(await clusterOf("BBB", "b1"));
    await harvest("BBB", [{ id: "b1", title: "Edits (2nd ed.)", year: 2012, isbns: ["9780000000071"] }]);
    expect(await clusterOf("AAA", "a1")).not.toBe(await clusterOf("BBB", "b1"));
  });

  it("counts added, updated, deleted and unchanged records and stores items", async () => {
    const first = await harvest("AAA", [
      { id: "a1", title: "One", isbns: ["9780000000088"], items: [["111", "available"], ["112", "on_loan"]] },
      { id: "a2", title: "Two", isbns: ["9780000000095"], items: [["113", "reference"]] },
    ]);
    expect([first.added, first.updated, first.deleted]).toEqual([2, 0, 0]);
    const again = await harvest("AAA", [
      { id: "a1", title: "One", isbns: ["9780000000088"], items: [["111", "available"], ["112", "on_loan"]] },
      { id: "a2", title: "Two, revised", isbns: ["9780000000095"], items: [["113", "reference"]] },
      { delete: "a3" },
    ]);
    expect([again.added, again.updated, again.deleted]).toEqual([0, 1, 0]);
    await harvest("AAA", [{ delete: "a1" }]);
    const items = await database!.db.selectFrom("items").select(["barcode", "status", "lendable"]).orderBy("barcode").execute();
    expect(items).toEqual([{ barcode: "113", status: "not_lendable", lendable: 0 }]);
  });
});
