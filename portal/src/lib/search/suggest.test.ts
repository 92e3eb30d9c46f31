import { describe, expect, it } from "vitest";
import { moveActive, suggestionTitles } from "./suggest";

describe("suggestions", () => {
  it("keeps each title once, in rank order, up to the limit", () => {
    const hits = [{ title: "The Hobbit" }, { title: "the  hobbit " }, { title: "" }, { title: "Hobbit studies" }, { title: "A" }];
    expect(suggestionTitles(hits)).toEqual(["The Hobbit", "Hobbit studies", "A"]);
    expect(suggestionTitles(hits, 2)).toEqual(["The Hobbit", "Hobbit studies"]);
  });

  it("moves through the options with the arrow keys, wrapping at both ends", () => {
    expect(moveActive(-1, 3, "ArrowDown")).toBe(0);
    expect(moveActive(2, 3, "ArrowDown")).toBe(0);
    expect(moveActive(-1, 3, "ArrowUp")).toBe(2);
    expect(moveActive(0, 3, "ArrowUp")).toBe(2);
    expect(moveActive(1, 3, "ArrowUp")).toBe(0);
    expect(moveActive(0, 0, "ArrowDown")).toBe(-1);
  });
});
