/** Disjoint sets over string ids, with path halving. */
export class UnionFind {
  private readonly parent = new Map<string, string>();

  find(id: string): string {
    let node = id;
    if (!this.parent.has(node)) this.parent.set(node, node);
    for (;;) {
      const parent = this.parent.get(node)!;
      if (parent === node) return node;
      const grand = this.parent.get(parent)!;
      this.parent.set(node, grand);
      node = grand;
    }
  }

  union(a: string, b: string): void {
    const rootA = this.find(a);
    const rootB = this.find(b);
    if (rootA !== rootB) this.parent.set(rootA, rootB);
  }
}
