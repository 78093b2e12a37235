import { characterNgrams } from './character-ngrams.js';
import type { ExamplePool } from './example-pool.js';
import type { ExampleSelector } from './example-selector.js';
import { acceptPositions, checkSelectOptions } from './_select-options.js';

/**
 * Selects by character n-gram overlap: Jaccard similarity of the sets of character n-grams (of
 * the pool's `ngramSizes`, default 2 and 3) of the input and of each example's input. Needs no
 * segmenter, so it still matches when jieba cuts the input and an example differently, and it
 * rewards shared runs: three shared characters in a row contribute two bigrams and a trigram,
 * three scattered ones only what they share pairwise. The n-gram sizes are a pool option
 * (`createExamplePool(…, { ngramSizes })`) because the sets are built once, with the pool.
 *
 * Examples sharing no n-gram are never selected; ties go to the earlier example in the pool.
 *
 * @example
 * const pool = await createExamplePool(examples, { analyzer, ngramSizes: [2, 3] });
 * await createNgramSelector(pool).select('试用期多长', { k: 3 }); // sharedTerms: ['试用', '用期', …]
 */
export function createNgramSelector(pool: ExamplePool): ExampleSelector {
  return {
    name: 'ngram',
    select: async (input, options) => {
      checkSelectOptions('ngram', options);
      const query = pool.ngrams.resolve(characterNgrams(input, pool.ngramSizes));
      return pool.ngrams.searchJaccard(query, options.k, acceptPositions(pool, options)).map(({ member, score }) => ({
        example: pool.examples[member]!,
        score,
        sharedTerms: pool.ngrams.sharedTerms(query, member),
      }));
    },
  };
}
