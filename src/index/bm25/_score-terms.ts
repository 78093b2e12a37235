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
  /** Room for the documents that survive early termination (at most all of them). */
  readonly survivors: Uint32Array;
  /** One byte per document, all 0 between searches: marks the survivors while their scores are completed. */
  readonly marks: Uint8Array;
}

/**
 * What `scoreTermAtATime` leaves: how many documents it touched (their scores must be reset), and
 * where the exact top k lies — among `candidates` when it terminated early (the others hold
 * partial scores below the k-th), else among all touched documents.
 */
export interface TermAtATimeResult {
  touchedCount: number;
  candidates: Uint32Array | undefined;
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
/** Postings a scan reads for the price of one galloping lookup into a list (cache misses included). */
const GALLOP_COST = 64;
/** Postings a scan reads for the price of completing one survivor's remaining terms, for the decision to terminate early. */
const COMPLETION_COST = 32;

/**
 * Adds every query term's BM25F contribution (`weights[i]` = query weight × idf of `termIds[i]`)
 * into `buffers.scores`, exactly for every document that can still make the top k; records the
 * touched documents in `buffers.touched`.
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
): TermAtATimeResult {
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
      if (candidates !== undefined && candidates.length * (orderedTerms.length - position) * COMPLETION_COST < remainingPostings[position]!) {
        completeCandidates(buffers, candidates, orderedTerms.slice(position), weights.slice(position));
        return { touchedCount, candidates };
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
  return { touchedCount, candidates: undefined };
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
  const candidates = buffers.survivors;
  let count = 0;
  for (let position = 0; position < touchedCount; position++) {
    const document = touched[position]!;
    if (scores[document]! >= floor) candidates[count++] = document;
  }
  return candidates.subarray(0, count).sort();
}

/**
 * Adds the remaining terms' contributions to `candidates` (ascending). Postings arrays are far
 * larger than the caches, so a lookup that jumps into a list costs a cache miss or several while
 * a scan streams; a list is therefore scanned, checking each posting's document against a mark,
 * unless it is so long that galloping lookups (Bentley & Yao 1976: forward from where the previous
 * one ended) read less of it.
 */
function completeCandidates(buffers: ScoringBuffers, candidates: Uint32Array, termIds: number[], weights: number[]): void {
  const { termOffsets, postingDocuments, postingImpacts, scores, marks } = buffers;
  for (const document of candidates) marks[document] = 1;
  for (let position = 0; position < termIds.length; position++) {
    const termId = termIds[position]!;
    const weight = weights[position]!;
    const start = termOffsets[termId]!;
    const end = termOffsets[termId + 1]!;
    if (end - start < candidates.length * GALLOP_COST) {
      for (let posting = start; posting < end; posting++) {
        const document = postingDocuments[posting]!;
        if (marks[document] === 1) scores[document]! += weight * postingImpacts[posting]!;
      }
    } else {
      gallop(buffers, candidates, start, end, weight);
    }
  }
  for (const document of candidates) marks[document] = 0;
}

/** Adds one term's contributions to `candidates` by galloping lookups in its postings `start`…`end`. */
function gallop(buffers: ScoringBuffers, candidates: Uint32Array, start: number, end: number, weight: number): void {
  const { postingDocuments, postingImpacts, scores } = buffers;
  let low = start;
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
