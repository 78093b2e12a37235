import { HangjiaError } from '../errors/index.js';
import { createBm25Selector } from './bm25-selector.js';
import { createEmbeddingSelector } from './embedding-selector.js';
import type { ExamplePool } from './example-pool.js';
import type { ExampleSelector } from './example-selector.js';
import { createJaccardSelector } from './jaccard-selector.js';
import { createMmrSelector, type MmrDiversity } from './mmr-selector.js';
import { createNgramSelector } from './ngram-selector.js';
import { createRandomSelector } from './random-selector.js';

/** The selectors that can be named (CLI `--selector`, benchmark configs). */
export const EXAMPLE_SELECTOR_NAMES = ['jaccard', 'bm25', 'ngram', 'mmr', 'random', 'embedding'] as const;
export type ExampleSelectorName = (typeof EXAMPLE_SELECTOR_NAMES)[number];

/** Settings of the named selectors; each applies only to the selectors it names. */
export interface ExampleSelectorSettings {
  /** `random`: the seed. Default 0. */
  seed?: number;
  /** `mmr`: λ in [0, 1]. Default 0.7. */
  lambda?: number;
  /** `mmr`: candidates chosen from. Default 20. */
  candidates?: number;
  /** `mmr`: where relevance comes from. Default `bm25`. */
  relevance?: 'bm25' | 'embedding';
  /** `mmr`: similarity between candidates. Default `cosine` when relevance is `embedding`, else `jaccard`. */
  diversity?: MmrDiversity;
}

/**
 * The selector called `name` over `pool`; throws `E_USAGE` for an unknown name, and for
 * `embedding` when the pool has no embeddings.
 *
 * @example
 * const selector = createExampleSelector(pool, 'mmr', { lambda: 0.5 });
 */
export function createExampleSelector(pool: ExamplePool, name: string, settings: ExampleSelectorSettings = {}): ExampleSelector {
  switch (name as ExampleSelectorName) {
    case 'jaccard':
      return createJaccardSelector(pool);
    case 'bm25':
      return createBm25Selector(pool);
    case 'ngram':
      return createNgramSelector(pool);
    case 'embedding':
      return createEmbeddingSelector(pool);
    case 'random':
      return createRandomSelector(pool, settings.seed === undefined ? {} : { seed: settings.seed });
    case 'mmr': {
      const byEmbedding = settings.relevance === 'embedding';
      return createMmrSelector(pool, {
        relevance: byEmbedding ? createEmbeddingSelector(pool) : createBm25Selector(pool),
        diversity: settings.diversity ?? (byEmbedding ? 'cosine' : 'jaccard'),
        ...(settings.lambda === undefined ? {} : { lambda: settings.lambda }),
        ...(settings.candidates === undefined ? {} : { candidates: settings.candidates }),
      });
    }
    default:
      throw new HangjiaError('E_USAGE', `Unknown example selector "${name}"; choose one of ${EXAMPLE_SELECTOR_NAMES.join(', ')}.`, {
        details: { setting: 'selector', value: name },
      });
  }
}
