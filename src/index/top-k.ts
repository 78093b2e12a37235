/**
 * Keeps the k best (slot, score) pairs offered so far in a binary min-heap whose root is the worst
 * kept pair: O(log k) per offer, so a search over n candidates costs O(n log k), not a full sort.
 * "Better" is a higher score; equal scores are ordered by `compareSlots` (smaller first), so ties
 * rank the same way on every run and brute-force oracles in tests can reproduce them.
 *
 * @example
 * const top = new TopK(10, (left, right) => left - right); // ties: the earlier slot wins
 * for (let slot = 0; slot < scores.length; slot += 1) top.offer(slot, scores[slot]);
 * top.sorted(); // [{ slot, score }, …] best first
 */
export class TopK {
  private readonly slots: number[] = [];
  private readonly scores: number[] = [];

  constructor(
    private readonly capacity: number,
    private readonly compareSlots: (left: number, right: number) => number,
  ) {}

  offer(slot: number, score: number): void {
    if (this.capacity <= 0) return;
    if (this.slots.length < this.capacity) {
      this.slots.push(slot);
      this.scores.push(score);
      this.siftUp(this.slots.length - 1);
    } else if (this.ranksBelow(0, slot, score)) {
      this.slots[0] = slot;
      this.scores[0] = score;
      this.siftDown(0);
    }
  }

  /** The kept pairs, best first. */
  sorted(): { slot: number; score: number }[] {
    return this.slots
      .map((slot, position) => ({ slot, score: this.scores[position] ?? 0 }))
      .sort((left, right) => right.score - left.score || this.compareSlots(left.slot, right.slot));
  }

  /** Whether the pair at heap position `position` ranks below (slot, score). */
  private ranksBelow(position: number, slot: number, score: number): boolean {
    const heldScore = this.scores[position] ?? 0;
    if (heldScore !== score) return heldScore < score;
    return this.compareSlots(this.slots[position] ?? 0, slot) > 0;
  }

  private siftUp(start: number): void {
    let position = start;
    while (position > 0) {
      const parent = (position - 1) >> 1;
      if (!this.ranksBelow(position, this.slots[parent] ?? 0, this.scores[parent] ?? 0)) return;
      this.swap(position, parent);
      position = parent;
    }
  }

  private siftDown(start: number): void {
    let position = start;
    for (;;) {
      let worst = position;
      for (const child of [2 * position + 1, 2 * position + 2]) {
        if (child < this.slots.length && this.ranksBelow(child, this.slots[worst] ?? 0, this.scores[worst] ?? 0)) worst = child;
      }
      if (worst === position) return;
      this.swap(position, worst);
      position = worst;
    }
  }

  private swap(left: number, right: number): void {
    [this.slots[left], this.slots[right]] = [this.slots[right] ?? 0, this.slots[left] ?? 0];
    [this.scores[left], this.scores[right]] = [this.scores[right] ?? 0, this.scores[left] ?? 0];
  }
}

/** Code-unit order, as `<` compares strings: fast and locale-independent, for deterministic ties. */
export const compareStrings = (left: string, right: string): number => (left < right ? -1 : left > right ? 1 : 0);
