/**
 * Picks the k best documents from the `count` candidates in `candidates`, best first.
 *
 * A binary min-heap of size k holds the best seen so far, so the cost is O(n log k) instead of
 * sorting all n touched documents. Ties break towards the lower document index, which makes the
 * order deterministic and lets tests compare against an oracle exactly. `accept` (the caller's
 * filter) is consulted only for candidates that would enter the heap, because filters may be
 * costly and most of the n candidates never get that far.
 */
export function selectTopK(
  candidates: Uint32Array,
  count: number,
  scores: Float64Array,
  k: number,
  accept: ((documentIndex: number) => boolean) | undefined,
): number[] {
  const heap: number[] = [];
  // `a` is worse than `b`: lower score, or equal score and higher index.
  const worse = (a: number, b: number): boolean => {
    const difference = scores[a]! - scores[b]!;
    return difference < 0 || (difference === 0 && a > b);
  };
  const siftDown = (start: number): void => {
    let index = start;
    for (;;) {
      const left = 2 * index + 1;
      const right = left + 1;
      let smallest = index;
      if (left < heap.length && worse(heap[left]!, heap[smallest]!)) smallest = left;
      if (right < heap.length && worse(heap[right]!, heap[smallest]!)) smallest = right;
      if (smallest === index) return;
      [heap[index], heap[smallest]] = [heap[smallest]!, heap[index]!];
      index = smallest;
    }
  };
  // The root's score, once the heap is full: most candidates fall below it and are rejected by
  // one comparison, without a call.
  let floor = -Infinity;
  for (let position = 0; position < count; position++) {
    const document = candidates[position]!;
    if (scores[document]! < floor) continue;
    if (heap.length === k && !worse(heap[0]!, document)) continue;
    if (accept !== undefined && !accept(document)) continue;
    if (heap.length < k) {
      heap.push(document);
      let index = heap.length - 1;
      while (index > 0) {
        const parent = (index - 1) >> 1;
        if (!worse(heap[index]!, heap[parent]!)) break;
        [heap[index], heap[parent]] = [heap[parent]!, heap[index]!];
        index = parent;
      }
    } else {
      heap[0] = document;
      siftDown(0);
    }
    if (heap.length === k) floor = scores[heap[0]!]!;
  }
  return heap.sort((a, b) => (worse(a, b) ? 1 : worse(b, a) ? -1 : 0));
}
