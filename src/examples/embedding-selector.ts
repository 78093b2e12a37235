import { HangjiaError } from '../errors/index.js';
import { embedMany } from '../models/index.js';
import type { ExamplePool } from './example-pool.js';
import type { ExampleSelector } from './example-selector.js';
import { checkSelectOptions } from './_select-options.js';

/**
 * Selects by cosine similarity between the input's embedding and each example input's embedding
 * (exact search over the pool's {@link FlatVectorIndex}). Finds paraphrases that share no words,
 * at the cost of one embedding call per selection. `sharedTerms` still lists the analyzer terms in
 * common, as an explanation. Throws `E_USAGE` when the pool was built without an embedding model.
 *
 * @example
 * const pool = await createExamplePool(examples, { analyzer, embeddingModel });
 * await createEmbeddingSelector(pool).select('试用期最长多久？', { k: 3 });
 */
export function createEmbeddingSelector(pool: ExamplePool): ExampleSelector {
  const { embeddingModel, vectorIndex } = pool;
  if (embeddingModel === undefined) {
    throw new HangjiaError(
      'E_USAGE',
      'The embedding selector needs example embeddings, but the pool was built without an embedding model. Pass embeddingModel to createExamplePool (or configure embedding.provider for the CLI), or pick a lexical selector such as jaccard or bm25.',
      { details: { setting: 'embeddingModel', selector: 'embedding' } },
    );
  }
  return {
    name: 'embedding',
    select: async (input, options) => {
      checkSelectOptions('embedding', options);
      // An empty pool has a model but no vectors (and so no known dimension): nothing to select.
      if (vectorIndex === undefined) return [];
      const { embeddings } = await embedMany(embeddingModel, [input]);
      const query = pool.terms.resolve(pool.analyzeInput(input));
      const matches = vectorIndex.search(embeddings[0]!, {
        k: options.k,
        ...(options.exclude ? { filter: (id: string) => !options.exclude!(id) } : {}),
      });
      return matches.map((match) => {
        const position = pool.positionOf(match.id)!;
        return { example: pool.examples[position]!, score: match.score, sharedTerms: pool.terms.sharedTerms(query, position) };
      });
    },
  };
}
