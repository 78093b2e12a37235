import { kthBestScore } from './_top-k.js';

/** The index's postings and the per-search buffers `scoreTermAtATime` adds into (all documents' scores start at 0). */
export interface ScoringBuffers {
  readonly termOffsets: Uint32Array;
  readonly postingDocuments: Uint32Array;
  /** tf̃·(k1+1)/(k1+tf̃) per posting: everything but idf and query weight, computed once. */
  readonly postingImpacts: Float32Array;
  /** The highest impact in each term's postings: its score upper bound before idf. */
  readonly maxImpacts: Float32Array;
  readonly scores: Float64Array;
  readonly touched: Uint32Array;
}

/**
 * A check for early termination costs a pass over the touched documents (tens of thousands for
 * a long question at 58k records), so it is made only before lists at least this long: at least
 * 1,024 postings, and at k = 100 an eighth of the records, less in proportion for a smaller k.
 * The larger k, the lower the k-th score the remaining bound must fall under, so the later a check
 * can succeed.
 */
const PRUNING_MIN_POSTINGS = 1024;
const PRUNING_MIN_LIST_SHARE = 1 / 8;

/**
 * Adds every query term's BM25F contribution (`weights[i]` = query weight × idf of `termIds[i]`)
 * into `buffers.scores`, exactly for every document that can still make the top k; records the
 * touched documents in `buffers.touched` and returns how many.
 *
 * Term-at-a-time with safe early termination: the "quit/continue" idea of Moffat & Zobel
 * (1996, "Self-indexing inverted files for fast text retrieval") with MaxScore's per-term upper
 * bounds (Turtle & Flood 1995, "Query evaluation: strategies and optimizations"). Terms run
 * shortest posting list first. Before each long list, let θ be the current k-th best score and
 * U the sum of the remaining terms' upper bounds (query weight × idf × highest impact):
 *
 *   U < θ  ⇒  an untouched document scores at most U and cannot reach the top k, and neither
 *            can a touched one whose score + U < θ (θ only grows).
 *
 * The remaining terms are then looked up for the surviving candidates only, instead of scanning
 * their lists. Documents left out keep partial scores below θ, so the top k taken over all
 * touched documents is the exact top k. This is what keeps very common terms (single characters,
 * `~规定`) from dominating query time.
 */
export function scoreTermAtATime(
  buffers: ScoringBuffers,
  termIds: readonly number[],
  termWeights: readonly number[],
  k: number,
  accept: ((document: number) => boolean) | undefined,
): number {
  const { termOffsets, postingDocuments, postingImpacts, maxImpacts, scores, touched } = buffers;
  const listLength = (termId: number): number => termOffsets[termId + 1]! - termOffsets[termId]!;
  const order = termIds.map((_, position) => position).sort((a, b) => listLength(termIds[a]!) - listLength(termIds[b]!) || termIds[a]! - termIds[b]!);
  const orderedTerms = order.map((position) => termIds[position]!);
  const weights = order.map((position) => termWeights[position]!);
  const remainingBound = new Float64Array(order.length + 1);
  const remainingPostings = new Float64Array(order.length + 1);
  for (let position = order.length - 1; position >= 0; position--) {
    const termId = orderedTerms[position]!;
    remainingBound[position] = remainingBound[position + 1]! + weights[position]! * maxImpacts[termId]!;
    remainingPostings[position] = remainingPostings[position + 1]! + listLength(termId);
  }
  const documents = scores.length;
  const pruningMinPostings = Math.max(PRUNING_MIN_POSTINGS, (documents * PRUNING_MIN_LIST_SHARE * Math.min(k, 100)) / 100);
  let touchedCount = 0;
  // Each check costs a pass over the touched documents, so after a failed one the next waits
  // until the remaining bound has shrunk by a third: a handful of checks per query at most.
  let nextCheckBound = Infinity;
  for (let position = 0; position < orderedTerms.length; position++) {
    const termId = orderedTerms[position]!;
    const start = termOffsets[termId]!;
    const end = termOffsets[termId + 1]!;
    if (end - start >= pruningMinPostings && touchedCount >= k && remainingBound[position]! <= nextCheckBound) {
      const candidates = survivors(buffers, touchedCount, k, accept, remainingBound[position]!);
      // A galloping lookup costs about as much as scanning a few dozen postings: prune only when cheaper.
      if (candidates !== undefined && candidates.length * (orderedTerms.length - position) * 32 < remainingPostings[position]!) {
        completeCandidates(buffers, candidates, orderedTerms.slice(position), weights.slice(position));
        return touchedCount;
      }
      nextCheckBound = (2 / 3) * remainingBound[position]!;
    }
    const weight = weights[position]!;
    for (let posting = start; posting < end; posting++) {
      const impact = postingImpacts[posting]!;
      if (impact === 0) continue;
      const document = postingDocuments[posting]!;
      if (scores[document] === 0) touched[touchedCount++] = document;
      scores[document]! += weight * impact;
    }
  }
  return touchedCount;
}

/** Touched documents that can still reach the top k, ascending, or undefined when every document still can. */
function survivors(
  buffers: ScoringBuffers,
  touchedCount: number,
  k: number,
  accept: ((document: number) => boolean) | undefined,
  remainingBound: number,
): Uint32Array | undefined {
  const { scores, touched } = buffers;
  const threshold = kthBestScore(touched, touchedCount, scores, k, accept);
  if (threshold === undefined || remainingBound >= threshold) return undefined;
  // The margin absorbs rounding differences between summed bounds and summed scores, so a
  // document tied with the k-th one is never dropped.
  const floor = threshold - remainingBound - 1e-9 * threshold;
  let count = 0;
  for (let position = 0; position < touchedCount; position++) {
    if (scores[touched[position]!]! >= floor) count++;
  }
  const candidates = new Uint32Array(count);
  count = 0;
  for (let position = 0; position < touchedCount; position++) {
    if (scores[touched[position]!]! >= floor) candidates[count++] = touched[position]!;
  }
  return candidates.sort();
}

/**
 * Adds the remaining terms' contributions to `candidates` (ascending). Both the candidates and a
 * posting list ascend, so each lookup gallops forward from where the previous one ended
 * (Bentley & Yao 1976): about log₂ of the gap between consecutive candidates' postings, not of
 * the whole list.
 */
function completeCandidates(buffers: ScoringBuffers, candidates: Uint32Array, termIds: number[], weights: number[]): void {
  const { termOffsets, postingDocuments, postingImpacts, scores } = buffers;
  for (let position = 0; position < termIds.length; position++) {
    const termId = termIds[position]!;
    const weight = weights[position]!;
    const end = termOffsets[termId + 1]!;
    let low = termOffsets[termId]!;
    for (let index = 0; index < candidates.length && low < end; index++) {
      const document = candidates[index]!;
      if (postingDocuments[low]! < document) {
        let step = 1;
        let high = low + 1;
        while (high < end && postingDocuments[high]! < document) {
          low = high;
          step <<= 1;
          high = low + step;
        }
        if (high > end) high = end;
        // postingDocuments[low] < document ≤ postingDocuments[high] (or high = end).
        low++;
        while (low < high) {
          const middle = (low + high) >>> 1;
          if (postingDocuments[middle]! < document) low = middle + 1;
          else high = middle;
        }
        if (low === end) break;
      }
      if (postingDocuments[low] === document) scores[document]! += weight * postingImpacts[low]!;
    }
  }
}
