import { describe, expect, it } from "vitest";
import { ACTIVE_STATES, allowedActions, checkTransition, REQUEST_STATES, TERMINAL_STATES, TRANSITIONS, type ActorRole } from "./transitions.ts";
import { withPromisedCopies } from "./rota.ts";
import type { RankedCopy } from "../ranking/types.ts";

const roles = (...r: ActorRole[]) => new Set<ActorRole>(r);

describe("the transition table", () => {
  it("leads only to known states, and nothing leaves a terminal state", () => {
    for (const t of TRANSITIONS) {
      expect(REQUEST_STATES).toContain(t.to);
      for (const from of t.from) expect(TERMINAL_STATES).not.toContain(from);
    }
    for (const state of ACTIVE_STATES) expect(TERMINAL_STATES).not.toContain(state);
  });

  it("gives each party its own actions", () => {
    expect(allowedActions("sent", "loan", roles("lender"))).toEqual(["ship", "unfill"]);
    expect(allowedActions("sent", "copy", roles("lender"))).toEqual(["deliver", "unfill"]);
    expect(allowedActions("sent", "loan", roles("patron"))).toEqual(["cancel"]);
    expect(allowedActions("shipped", "loan", roles("borrower", "lender"))).toEqual(["receive"]);
    expect(allowedActions("overdue", "loan", roles("borrower"))).toEqual(["return"]);
    expect(allowedActions("returned", "loan", roles("lender"))).toEqual(["complete"]);
    expect(allowedActions("completed", "loan", roles("borrower", "lender", "patron"))).toEqual([]);
  });

  it("tells illegal from forbidden", () => {
    expect(checkTransition("receive", "sent", "loan", roles("borrower"))).toMatchObject({ ok: false, why: "illegal", allowed: ["cancel"] });
    expect(checkTransition("ship", "sent", "loan", roles("borrower"))).toMatchObject({ ok: false, why: "forbidden" });
    expect(checkTransition("expire", "sent", "loan", roles("lender"))).toMatchObject({ ok: false, why: "forbidden" });
    expect(checkTransition("expire", "sent", "loan", roles("system"))).toMatchObject({ ok: true, transition: { to: "unfilled" } });
    expect(checkTransition("ship", "sent", "copy", roles("lender"))).toMatchObject({ ok: false, why: "illegal" });
  });
});

describe("promised copies in the rota", () => {
  const entry = (libraryId: number, tier: RankedCopy["tier"]) => ({ libraryId, library: `L${libraryId}`, tier, rank: 0 }) as unknown as RankedCopy;

  it("moves a lender whose shelf copies are all promised behind free and unknown copies, before copies on loan", () => {
    const rota = withPromisedCopies([entry(1, "on_shelf"), entry(2, "on_shelf"), entry(3, "unknown"), entry(4, "on_loan")], new Map([[1, 1], [2, 1]]), new Map([[1, 1]]));
    expect(rota.map((e) => [e.libraryId, e.promised, e.rank])).toEqual([[2, false, 1], [3, false, 2], [1, true, 3], [4, false, 4]]);
  });

  it("keeps a lender first while it has a free copy", () => {
    const rota = withPromisedCopies([entry(1, "on_shelf"), entry(2, "on_shelf")], new Map([[1, 2], [2, 1]]), new Map([[1, 1]]));
    expect(rota.map((e) => e.libraryId)).toEqual([1, 2]);
  });
});
