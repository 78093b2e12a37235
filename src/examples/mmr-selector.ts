import { HangjiaError } from '../errors/index.js';
import { createBm25Selector } from './bm25-selector.js';
import type { SelectedExample } from './example.js';
import type { ExamplePool } from './example-pool.js';
import type { ExampleSelector } from './example-selector.js';
import { checkSelectOptions } from './_select-options.js';

/** How {@link createMmrSelector} measures how alike two examples are. */
export type MmrDiversity = 'jaccard' | 'cosine';

/** Options for {@link createMmrSelector}. */
export interface MmrSelectorOptions {
  /**
   * Supplies the candidates and their relevance to the input: any selector, typically
   * `createBm25Selector(pool)` (the default) or `createEmbeddingSelector(pool)`.
   */
  relevance?: ExampleSelector;
  /**
   * Similarity between two candidates: `jaccard` of their analyzer term sets (the default), or
   * `cosine` of their embeddings (needs a pool built with an embedding model).
   */
  diversity?: MmrDiversity;
  /**
   * λ in [0, 1]: weight of relevance against novelty. 1 is plain relevance ranking, 0 picks the
   * candidates least like each other whatever the input. Default 0.7: relevance first, but a
   * near-duplicate of an example already chosen drops below a less relevant, different one.
   */
  lambda?: number;
  /** How many relevance-ranked candidates MMR chooses from, ≥ k (raised to k when smaller). Default 20. */
  candidates?: number;
}

/** λ when none is given; see {@link MmrSelectorOptions.lambda}. */
export const DEFAULT_MMR_LAMBDA = 0.7;
/** Candidate count when none is given; see {@link MmrSelectorOptions.candidates}. */
export const DEFAULT_MMR_CANDIDATES = 20;

/**
 * Maximal marginal relevance (Carbonell & Goldstein, "The use of MMR, diversity-based reranking
 * for reordering documents and producing summaries", SIGIR 1998, doi:10.1145/290941.291025):
 * the top `candidates` by relevance are chosen from one at a time, each time taking
 *
 *     argmax over remaining c of   λ · relevance(c) − (1 − λ) · max over chosen s of similarity(c, s)
 *
 * so the second example is the most relevant one that is not a restatement of the first. Five
 * copies of one solved question teach the model less than three different ones.
 *
 * Relevance scores are divided by the best candidate's score, so the best candidate has relevance
 * 1 and BM25's unbounded scores sit on the same [0, 1] scale as the Jaccard or cosine similarity
 * they are traded against. Cost: one relevance selection plus O(k · candidates) similarities.
 * The reported score is the MMR value at the moment the example was chosen.
 *
 * @example
 * const selector = createMmrSelector(pool, { lambda: 0.5 });
 * await selector.select('试用期最长多久？', { k: 3 });
 */
export function createMmrSelector(pool: ExamplePool, selectorOptions: MmrSelectorOptions = {}): ExampleSelector {
  const relevance = selectorOptions.relevance ?? createBm25Selector(pool);
  const diversity = selectorOptions.diversity ?? 'jaccard';
  const lambda = selectorOptions.lambda ?? DEFAULT_MMR_LAMBDA;
  const candidateCount = selectorOptions.candidates ?? DEFAULT_MMR_CANDIDATES;
  if (!(lambda >= 0 && lambda <= 1)) {
    throw new HangjiaError('E_USAGE', `MMR lambda must be a number from 0 (only novelty) to 1 (only relevance); got ${lambda}. The default is ${DEFAULT_MMR_LAMBDA}.`, {
      details: { selector: 'mmr', setting: 'lambda', value: lambda },
    });
  }
  if (!Number.isInteger(candidateCount) || candidateCount < 1) {
    throw new HangjiaError('E_USAGE', `MMR candidates must be a whole number ≥ 1; got ${candidateCount}. The default is ${DEFAULT_MMR_CANDIDATES}.`, {
      details: { selector: 'mmr', setting: 'candidates', value: candidateCount },
    });
  }
  const { embeddings } = pool;
  if (diversity === 'cosine' && embeddings === undefined) {
    throw new HangjiaError('E_USAGE', 'MMR with cosine diversity needs example embeddings: pass embeddingModel to createExamplePool, or use diversity "jaccard".', {
      details: { selector: 'mmr', setting: 'diversity', value: diversity },
    });
  }
  const similarity = (left: number, right: number): number =>
    diversity === 'jaccard' ? pool.terms.jaccard(left, right) : dot(embeddings![left]!, embeddings![right]!);

  return {
    name: 'mmr',
    select: async (input, options) => {
      checkSelectOptions('mmr', options);
      const candidates = await relevance.select(input, { ...options, k: Math.max(options.k, candidateCount) });
      const bestScore = candidates[0]?.score ?? 0;
      const scale = bestScore > 0 ? 1 / bestScore : 1;
      const positions = candidates.map((candidate) => pool.positionOf(candidate.example.id)!);
      const closestChosen = new Float64Array(candidates.length);
      const remaining = new Set(candidates.keys());
      const chosen: SelectedExample[] = [];
      while (chosen.length < options.k && remaining.size > 0) {
        let best = -1;
        let bestValue = -Infinity;
        // Set iteration follows insertion order, i.e. relevance rank, so ties go to the more relevant.
        for (const index of remaining) {
          const value = lambda * candidates[index]!.score * scale - (1 - lambda) * closestChosen[index]!;
          if (value > bestValue) {
            bestValue = value;
            best = index;
          }
        }
        remaining.delete(best);
        chosen.push({ ...candidates[best]!, score: bestValue });
        for (const index of remaining) {
          closestChosen[index] = Math.max(closestChosen[index]!, similarity(positions[index]!, positions[best]!));
        }
      }
      return chosen;
    },
  };
}

function dot(left: Float32Array, right: Float32Array): number {
  let sum = 0;
  for (let index = 0; index < left.length; index += 1) sum += left[index]! * right[index]!;
  return sum;
}
