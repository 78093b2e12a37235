import { HangjiaError } from '../errors/index.js';
import type { RetrieverScore } from './hit.js';

/** One retriever's ranked list, best first, as input to fusion. */
export interface RankedList {
  /** Named in each fused result's `scores`, e.g. 'lexical', 'vector'. */
  retriever: string;
  /** Multiplies this list's contributions. Default 1; 0 keeps the list for explanation only. */
  weight?: number;
  /** Best first. Rank is the position here (1-based); `score` is kept for explanation, not used. */
  hits: { id: string; score: number }[];
}

export interface ReciprocalRankFusionOptions {
  /**
   * Damping constant: how much the top ranks dominate. Larger k flattens the curve (rank 1 vs 10
   * matters less). Any value > 0; default 60, as in Cormack et al., which they found robust.
   */
  k?: number;
}

export interface FusedHit {
  id: string;
  /** Σ weight / (k + rank) over the lists that contain the id. */
  score: number;
  /** One entry per list that contains the id, in list order, with that list's score and rank. */
  scores: RetrieverScore[];
}

/**
 * Weighted Reciprocal Rank Fusion: each list votes for its documents with `weight / (k + rank)`,
 * and documents are ordered by the sum of their votes.
 *
 *   score(d) = Σ over lists L containing d of  weight(L) / (k + rank_L(d))
 *
 * Ranks, not scores, are combined, so BM25 scores (unbounded) and cosine similarities ([-1, 1])
 * need no calibration. With k = 60, rank 1 is worth 1/61 ≈ 0.0164 and rank 10 1/70 ≈ 0.0143: a
 * document near the top of both lists beats one at the very top of only one.
 *
 * Cormack, Clarke and Büttcher, "Reciprocal Rank Fusion outperforms Condorcet and individual Rank
 * Learning Methods", SIGIR 2009, https://doi.org/10.1145/1571941.1572114
 *
 * Ties (equal fused scores, e.g. rank 1 in one list vs rank 1 in another of equal weight) are broken
 * deterministically: the better rank in the earliest list that ranks the two differently wins (so
 * put the retriever you trust more first), then the smaller id. An id repeated within one list
 * counts once, at its best rank.
 *
 * @example
 * reciprocalRankFusion([
 *   { retriever: 'lexical', hits: bm25Hits },
 *   { retriever: 'vector', weight: 0.5, hits: vectorHits },
 * ]);
 */
export function reciprocalRankFusion(lists: readonly RankedList[], options: ReciprocalRankFusionOptions = {}): FusedHit[] {
  const { k = 60 } = options;
  if (!(Number.isFinite(k) && k > 0)) {
    throw new HangjiaError('E_USAGE', `The fusion constant k must be a number above 0, got ${k}. The usual value is 60.`, {
      details: { setting: 'k', value: k },
    });
  }
  const fused = new Map<string, FusedHit & { ranks: number[] }>();
  for (const [listIndex, list] of lists.entries()) {
    const weight = list.weight ?? 1;
    if (!(Number.isFinite(weight) && weight >= 0)) {
      throw new HangjiaError('E_USAGE', `The fusion weight of retriever "${list.retriever}" must be a number ≥ 0, got ${weight}.`, {
        details: { setting: 'weight', retriever: list.retriever, value: weight },
      });
    }
    for (const [position, hit] of list.hits.entries()) {
      let entry = fused.get(hit.id);
      if (entry === undefined) {
        entry = { id: hit.id, score: 0, scores: [], ranks: new Array<number>(lists.length).fill(Number.POSITIVE_INFINITY) };
        fused.set(hit.id, entry);
      }
      if (entry.ranks[listIndex] !== Number.POSITIVE_INFINITY) continue;
      const rank = position + 1;
      entry.ranks[listIndex] = rank;
      entry.score += weight / (k + rank);
      entry.scores.push({ retriever: list.retriever, score: hit.score, rank });
    }
  }
  return [...fused.values()]
    .sort((left, right) => right.score - left.score || compareRanks(left.ranks, right.ranks) || (left.id < right.id ? -1 : left.id > right.id ? 1 : 0))
    .map(({ id, score, scores }) => ({ id, score, scores }));
}

/** Negative when `left` has the better rank in the first list where the two differ. */
function compareRanks(left: number[], right: number[]): number {
  for (const [index, leftRank] of left.entries()) {
    const rightRank = right[index] ?? Number.POSITIVE_INFINITY;
    if (leftRank !== rightRank) return leftRank < rightRank ? -1 : 1;
  }
  return 0;
}
