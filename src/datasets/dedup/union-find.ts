/**
 * Disjoint sets over 0…size-1 with path halving and union by size (Tarjan 1975): near-duplicate
 * pairs become clusters, so A≈B and B≈C put A, B and C in one cluster even when A and C differ more.
 */
export class UnionFind {
  private readonly parent: Int32Array;
  private readonly size: Int32Array;

  constructor(size: number) {
    this.parent = new Int32Array(size);
    this.size = new Int32Array(size).fill(1);
    for (let index = 0; index < size; index += 1) this.parent[index] = index;
  }

  find(item: number): number {
    let current = item;
    while (this.parent[current] !== current) {
      const grandparent = this.parent[this.parent[current]!]!;
      this.parent[current] = grandparent;
      current = grandparent;
    }
    return current;
  }

  /** Joins the sets of `left` and `right`; returns false when they were already one set. */
  union(left: number, right: number): boolean {
    let rootLeft = this.find(left);
    let rootRight = this.find(right);
    if (rootLeft === rootRight) return false;
    if (this.size[rootLeft]! < this.size[rootRight]!) [rootLeft, rootRight] = [rootRight, rootLeft];
    this.parent[rootRight] = rootLeft;
    this.size[rootLeft]! += this.size[rootRight]!;
    return true;
  }

  /** Sets with more than one member, each sorted ascending, ordered by their smallest member. */
  clusters(): number[][] {
    const byRoot = new Map<number, number[]>();
    for (let index = 0; index < this.parent.length; index += 1) {
      const root = this.find(index);
      if (this.size[root]! < 2) continue;
      let members = byRoot.get(root);
      if (!members) byRoot.set(root, (members = []));
      members.push(index);
    }
    return [...byRoot.values()].sort((left, right) => left[0]! - right[0]!);
  }
}
