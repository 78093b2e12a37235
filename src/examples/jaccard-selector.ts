import type { ExamplePool } from './example-pool.js';
import type { ExampleSelector } from './example-selector.js';
import { acceptPositions, checkSelectOptions } from './_select-options.js';

/**
 * Selects the examples whose input shares the largest fraction of analyzer terms with the input:
 * Jaccard similarity (IoU) |A ∩ B| / (|A| + |B| − |A ∩ B|) over distinct terms, as in the source
 * essay's selector, but on the analyzer's jieba words, sub-words and character bigrams instead of
 * whitespace words, so Chinese works. Exact, and fast on large pools: only examples sharing a
 * term are scored (see {@link TermSetIndex}).
 *
 * Jaccard favours examples of about the input's length: a long example sharing every input term
 * still loses to a short one sharing most of them. Examples sharing no term are never selected,
 * so fewer than k may come back. Ties go to the earlier example in the pool.
 *
 * @example
 * const selector = createJaccardSelector(pool);
 * await selector.select('试用期最长多久？', { k: 3 }); // [{ example, score: 0.42, sharedTerms: ['试用期', …] }, …]
 */
export function createJaccardSelector(pool: ExamplePool): ExampleSelector {
  return {
    name: 'jaccard',
    select: async (input, options) => {
      checkSelectOptions('jaccard', options);
      const query = pool.terms.resolve(pool.analyzeInput(input));
      return pool.terms.searchJaccard(query, options.k, acceptPositions(pool, options)).map(({ member, score }) => ({
        example: pool.examples[member]!,
        score,
        sharedTerms: pool.terms.sharedTerms(query, member),
      }));
    },
  };
}
