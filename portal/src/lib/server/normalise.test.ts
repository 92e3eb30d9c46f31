import { describe, expect, it } from "vitest";
import { normaliseCopies, normaliseRecord, normaliseRequestList } from "./normalise";

describe("request lists", () => {
  const view = (id: number, state: string) => ({
    id,
    state,
    recordId: 7,
    title: "T",
    borrower: { code: "NORTH", name: "Northfield" },
    lender: { code: "SOUTH", name: "Southport" },
    patron: { id: 1, name: "Pat" },
    callNumber: "823 TOL",
    placedAt: "2025-01-02T03:04:05Z",
    events: [{ at: "2025-01-02T03:04:05Z", from: null, to: state, reason: null }],
    allowedActions: ["cancel"],
  });

  it("reads {requests} and the queues' named groups, each request once", () => {
    expect(normaliseRequestList({ requests: [view(1, "sent")] })[0]).toMatchObject({
      id: "1",
      recordId: "7",
      borrower: "NORTH",
      lenderName: "Southport",
      patronName: "Pat",
      createdAt: "2025-01-02T03:04:05Z",
      events: [{ to: "sent" }],
      allowedActions: ["cancel"],
    });
    const queue = normaliseRequestList({ library: "SOUTH", pullList: [view(1, "sent")], awaitingReturn: [view(2, "returned"), view(1, "sent")] });
    expect(queue.map((r) => r.id)).toEqual(["1", "2"]);
    expect(() => normaliseRequestList({ nothing: true })).toThrow(TypeError);
  });
});

describe("copies and members", () => {
  it("reads ranked copies and the own-shelf offer", () => {
    const copies = normaliseCopies({
      ownShelf: { library: "NORTH", libraryName: "Northfield", callNumber: "823" },
      copies: [{ rank: 1, library: "SOUTH", libraryName: "Southport", reason: "on shelf · ships in ~1.6 days", callNumber: null }],
    });
    expect(copies.ownShelf).toMatchObject({ library: "NORTH", callNumber: "823" });
    expect(copies.copies).toEqual([{ rank: 1, library: "SOUTH", libraryName: "Southport", reason: "on shelf · ships in ~1.6 days" }]);
  });

  it("reads members with their MARC fields", () => {
    const record = normaliseRecord({
      id: "1",
      title: "T",
      members: [
        {
          library: "NORTH",
          localId: "b1",
          marc: { leader: "00000nam", fields: [{ tag: "001", value: "b1" }, { tag: "245", ind1: "1", ind2: "0", subfields: [["a", "T"]] }] },
        },
      ],
    });
    expect(record.members[0]!.marc!.fields).toEqual([
      { tag: "001", value: "b1" },
      { tag: "245", ind1: "1", ind2: "0", subfields: [["a", "T"]] },
    ]);
  });
});
