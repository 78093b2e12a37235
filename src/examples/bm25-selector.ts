import { createLexicalSearch, type RescoringSettings } from '../retrieval/index.js';
import type { ExamplePool } from './example-pool.js';
import type { ExampleSelector } from './example-selector.js';
import { checkSelectOptions } from './_select-options.js';

/** Options for {@link createBm25Selector}. */
export interface Bm25SelectorOptions {
  /**
   * Pseudo-relevance feedback (the RM3 rescoring stage: expand the input with terms of its best
   * matches, then search again), or `false` for one pass. Default: off, as in the lexical engine;
   * on, it finds examples phrased differently from the input at about twice the cost of one pass.
   */
  feedback?: RescoringSettings['feedback'];
}

/**
 * Selects by BM25 (the pool's {@link Bm25Index} over example inputs, the input as the query):
 * unlike Jaccard, rare shared terms (`个体工商户`) count far more than common ones (`~合同`),
 * and long examples are not penalised beyond BM25's length normalisation. Scores are unbounded.
 *
 * @example
 * await createBm25Selector(pool).select('个体工商户能否雇人？', { k: 3 });
 */
export function createBm25Selector(pool: ExamplePool, selectorOptions: Bm25SelectorOptions = {}): ExampleSelector {
  // The pool's index has no groups, topic vectors or citations, so feedback is the only stage that can apply.
  const lexical = createLexicalSearch(pool.bm25Index, { feedback: selectorOptions.feedback ?? false });
  return {
    name: 'bm25',
    select: async (input, options) => {
      checkSelectOptions('bm25', options);
      const matches = lexical.search(input, {
        k: options.k,
        ...(options.exclude ? { filter: (id: string) => !options.exclude!(id) } : {}),
      });
      return matches.map((match) => ({
        example: pool.examples[pool.positionOf(match.id)!]!,
        score: match.score,
        sharedTerms: match.matchedTerms,
      }));
    },
  };
}
