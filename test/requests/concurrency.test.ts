/** Patrons racing for the last copies, with real concurrent HTTP calls, on both dialects. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DIALECTS, postgresAvailable } from "../support/databases.ts";
import type { HttpSession } from "../support/http-session.ts";
import { act, place, startPod, type Pod } from "./pod.ts";

const TITLES = 6;
const RACERS = 3;

describe.each(DIALECTS)("racing for the last copy on %s", (dialect) => {
  let pod: Pod | undefined;
  const patrons: HttpSession[] = [];

  beforeAll(async () => {
    if (dialect === "postgres" && !(await postgresAvailable())) return;
    pod = await startPod(dialect, {
      libraries: [{ code: "BOR" }, { code: "LA" }, { code: "LB" }, { code: "LC" }],
      patrons: Array.from({ length: RACERS + 2 }, (_, i) => ({ library: "BOR", card: `C${i}` })),
      titles: {
        ...Object.fromEntries(Array.from({ length: TITLES }, (_, i) => [`race${i}`, { LA: ["available"], LB: ["available"], LC: ["available"] }])),
        pair: { LA: ["available"], LB: ["available"] },
        two: { LA: ["available", "available"], LB: ["available"] },
      },
    });
    for (let i = 0; i < RACERS + 2; i++) patrons.push(await pod.patron(`C${i}`));
  });
  afterAll(async () => pod?.close());
  const ready = () => pod !== undefined;

  it("two patrons racing for the last on-shelf copy both succeed, but never both go to that copy first", async (ctx) => {
    if (!ready()) return ctx.skip();
    const [a, b] = await Promise.all([place(patrons[0]!, pod!.records.pair!), place(patrons[1]!, pod!.records.pair!)]);
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(new Set([a.body.lender!.code, b.body.lender!.code])).toEqual(new Set(["LA", "LB"]));
    // The one sent to LB has LA in its rota, marked as promised to the other request.
    const atLb = [a.body, b.body].find((r) => r.lender!.code === "LB")!;
    expect(atLb.rota.map((e) => [e.library, e.promised])).toEqual([["LB", false], ["LA", true]]);
  });

  it(`${RACERS} patrons per title racing on ${TITLES} titles at once: every copy is promised at most once`, async (ctx) => {
    if (!ready()) return ctx.skip();
    const calls = [];
    for (let t = 0; t < TITLES; t++) for (let p = 0; p < RACERS; p++) calls.push(place(patrons[p + 2]!, pod!.records[`race${t}`]!).then((r) => ({ t, r })));
    const results = await Promise.all(calls);
    expect(results.every(({ r }) => r.status === 201)).toBe(true);
    for (let t = 0; t < TITLES; t++) {
      const lenders = results.filter((x) => x.t === t).map(({ r }) => r.body.lender!.code);
      expect(new Set(lenders).size, `title ${t}: ${lenders.join(",")}`).toBe(RACERS);
    }
    // The db agrees: per title and lender, at most one request is waiting.
    const rows = await pod!.database.db
      .selectFrom("requests")
      .select(["cluster_id", "lender_library_id", (eb) => eb.fn.countAll<number>().as("n")])
      .where("state", "=", "sent")
      .groupBy(["cluster_id", "lender_library_id"])
      .execute();
    expect(rows.every((r) => Number(r.n) === 1)).toBe(true);
  });

  it("a lender with two copies takes two racers first; a copy frees up when its request is answered", async (ctx) => {
    if (!ready()) return ctx.skip();
    const racers = await Promise.all([0, 1, 2].map((i) => place(patrons[i]!, pod!.records.two!)));
    const firsts = racers.map((r) => r.body.lender!.code).sort();
    expect(firsts).toEqual(["LA", "LA", "LB"]);
    // LA says no to one of them: that copy is no longer promised, so a new request may go to LA again.
    const atLa = racers.find((r) => r.body.lender!.code === "LA")!;
    const la = await pod!.staff("LA");
    const moved = await act(la, atLa.body.id, "unfill", { reason: "in_use" });
    expect(moved.body.lender!.code).toBe("LB");
    const next = await place(patrons[3]!, pod!.records.two!);
    expect(next.body.rota.find((e) => e.library === "LA")?.promised).toBe(false);
    expect(next.body.rota.find((e) => e.library === "LB")?.promised).toBe(true);
    expect(next.body.lender!.code).toBe("LA");
  });
});
