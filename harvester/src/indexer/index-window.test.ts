import { describe, expect, it } from "vitest";
import type { UnionDocument } from "@interlend/core/meili/union-index";
import { IndexWindow } from "./index-window.ts";

function doc(id: number, title: string): UnionDocument {
  return { id: String(id), title } as UnionDocument;
}

describe("IndexWindow", () => {
  it("sends each cluster once, rebuilding from the db any cluster a page asked to rebuild", () => {
    const window = new IndexWindow();
    window.add({ documents: [doc(1, "first"), doc(2, "second")], clusterIds: [7], queuedAt: "2026-01-01T00:00:00.001Z" });
    // A later page touches cluster 1 (created by the first page) and 7 again.
    window.add({ documents: [doc(3, "third")], clusterIds: [1, 7], queuedAt: "2026-01-01T00:00:00.002Z" });
    expect(window.size).toBe(4);
    const work = window.take();
    expect(work.documents.map((d) => d.id).sort()).toEqual(["2", "3"]);
    expect(work.clusterIds.sort()).toEqual([1, 7]);
    expect(work.queuedAt).toBe("2026-01-01T00:00:00.002Z");
    expect(window.size).toBe(0);
    expect(window.take()).toEqual({ documents: [], clusterIds: [], queuedAt: "" });
  });

  it("keeps a page's own document only while no page asked for a rebuild, the later one winning", () => {
    const window = new IndexWindow();
    window.add({ documents: [doc(5, "old")], clusterIds: [], queuedAt: "2026-01-01T00:00:00.001Z" });
    window.add({ documents: [doc(5, "new")], clusterIds: [], queuedAt: "2026-01-01T00:00:00.002Z" });
    window.add({ documents: [], clusterIds: [6], queuedAt: "2026-01-01T00:00:00.003Z" });
    window.add({ documents: [doc(6, "stale")], clusterIds: [], queuedAt: "2026-01-01T00:00:00.004Z" });
    const work = window.take();
    expect(work.documents).toEqual([doc(5, "new")]);
    expect(work.clusterIds).toEqual([6]);
  });
});
