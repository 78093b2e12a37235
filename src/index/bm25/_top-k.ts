/**
 * Picks the k best documents from the `count` candidates in `candidates`, best first.
 *
 * A binary min-heap of size k holds the best seen so far, so the cost is O(n log k) instead of
 * sorting all n touched documents. Ties break towards the lower document index, which makes the
 * order deterministic and lets tests compare against an oracle exactly. `accept` (the caller's
 * filter) is consulted only for candidates that would enter the heap, because filters may be
 * costly and most of the n candidates never get that far. The heap lives in typed arrays, scores
 * copied beside documents, so a comparison reads no other memory.
 */
export function selectTopK(
  candidates: Uint32Array,
  count: number,
  scores: Float64Array,
  k: number,
  accept: ((documentIndex: number) => boolean) | undefined,
): number[] {
  const heapDocuments = new Uint32Array(Math.min(k, count));
  const heapScores = new Float64Array(heapDocuments.length);
  const capacity = heapDocuments.length;
  let size = 0;
  for (let position = 0; position < count; position++) {
    const document = candidates[position]!;
    const score = scores[document]!;
    if (size === capacity) {
      // Most candidates fall below the root (the worst kept) and are rejected here, without a call.
      const rootScore = heapScores[0]!;
      if (score < rootScore || (score === rootScore && document > heapDocuments[0]!)) continue;
      if (accept !== undefined && !accept(document)) continue;
      siftDown(heapDocuments, heapScores, size, document, score);
    } else {
      if (accept !== undefined && !accept(document)) continue;
      // Sift up: the new entry rises while it is worse than its parent.
      let index = size++;
      while (index > 0) {
        const parent = (index - 1) >> 1;
        if (!worse(score, document, heapScores[parent]!, heapDocuments[parent]!)) break;
        heapDocuments[index] = heapDocuments[parent]!;
        heapScores[index] = heapScores[parent]!;
        index = parent;
      }
      heapDocuments[index] = document;
      heapScores[index] = score;
    }
  }
  const top = new Array<number>(size);
  // Pop the worst to the back: the array ends up best first.
  for (let last = size - 1; last >= 0; last--) {
    top[last] = heapDocuments[0]!;
    siftDown(heapDocuments, heapScores, last, heapDocuments[last]!, heapScores[last]!);
  }
  return top;
}

/**
 * The k-th best score among the `count` candidates `accept` passes, or undefined when fewer than k
 * pass: the threshold early termination compares against, without ordering anything.
 */
export function kthBestScore(
  candidates: Uint32Array,
  count: number,
  scores: Float64Array,
  k: number,
  accept: ((documentIndex: number) => boolean) | undefined,
): number | undefined {
  const heap = new Float64Array(k);
  let size = 0;
  for (let position = 0; position < count; position++) {
    const document = candidates[position]!;
    const score = scores[document]!;
    if (size === k && score <= heap[0]!) continue;
    if (accept !== undefined && !accept(document)) continue;
    if (size < k) {
      let index = size++;
      while (index > 0) {
        const parent = (index - 1) >> 1;
        if (heap[parent]! <= score) break;
        heap[index] = heap[parent]!;
        index = parent;
      }
      heap[index] = score;
    } else {
      let index = 0;
      for (;;) {
        let child = 2 * index + 1;
        if (child >= k) break;
        if (child + 1 < k && heap[child + 1]! < heap[child]!) child++;
        if (heap[child]! >= score) break;
        heap[index] = heap[child]!;
        index = child;
      }
      heap[index] = score;
    }
  }
  return size < k ? undefined : heap[0];
}

/** `a` ranks below `b`: a lower score, or an equal score and a higher document index. */
function worse(scoreA: number, documentA: number, scoreB: number, documentB: number): boolean {
  return scoreA < scoreB || (scoreA === scoreB && documentA > documentB);
}

/** Puts (document, score) at the root of a heap of `size` entries and sifts it down to its place. */
function siftDown(documents: Uint32Array, scores: Float64Array, size: number, document: number, score: number): void {
  let index = 0;
  for (;;) {
    let child = 2 * index + 1;
    if (child >= size) break;
    if (child + 1 < size && worse(scores[child + 1]!, documents[child + 1]!, scores[child]!, documents[child]!)) child++;
    if (!worse(scores[child]!, documents[child]!, score, document)) break;
    documents[index] = documents[child]!;
    scores[index] = scores[child]!;
    index = child;
  }
  documents[index] = document;
  scores[index] = score;
}
