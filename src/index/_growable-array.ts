/**
 * An append-only Uint32Array that doubles when full. Building postings with one typed array per
 * column (term, document, frequencies) instead of a JS array of objects keeps a 10-million-posting
 * build at a few hundred MB of flat memory and out of the garbage collector's way.
 */
export class GrowableUint32Array {
  private values: Uint32Array;
  length = 0;

  constructor(initialCapacity = 1024) {
    this.values = new Uint32Array(initialCapacity);
  }

  push(value: number): void {
    if (this.length === this.values.length) {
      const larger = new Uint32Array(this.values.length * 2);
      larger.set(this.values);
      this.values = larger;
    }
    this.values[this.length++] = value;
  }

  get(index: number): number {
    return this.values[index]!;
  }

  /** A view of the filled part; valid until the next `push`. */
  view(): Uint32Array {
    return this.values.subarray(0, this.length);
  }
}
