/**
 * Keeps the k best (slot, score) pairs offered so far in a binary min-heap whose root is the worst
 * kept pair: O(log k) per offer, O(n log k) per selection instead of a full sort. "Better" is a
 * higher score, then the smaller slot (the earlier example in the pool), so ties rank the same way
 * on every run and the brute-force oracle in the tests can reproduce them.
 */
export class TopK {
  private readonly slots: number[] = [];
  private readonly scores: number[] = [];

  constructor(private readonly capacity: number) {}

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
      .sort((left, right) => right.score - left.score || left.slot - right.slot);
  }

  /** Whether the pair at heap position `position` ranks below (slot, score). */
  private ranksBelow(position: number, slot: number, score: number): boolean {
    const heldScore = this.scores[position] ?? 0;
    if (heldScore !== score) return heldScore < score;
    return (this.slots[position] ?? 0) > slot;
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
      const left = 2 * position + 1;
      const right = left + 1;
      if (left < this.slots.length && this.ranksBelow(left, this.slots[worst] ?? 0, this.scores[worst] ?? 0)) worst = left;
      if (right < this.slots.length && this.ranksBelow(right, this.slots[worst] ?? 0, this.scores[worst] ?? 0)) worst = right;
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
