import { describe, expect, it } from 'vitest';
import type { EmbeddingModel } from '../models/index.js';
import { examplesOf, idsOf, whitespaceAnalyzer } from './__fixtures__/tiny-pools.js';
import { createEmbeddingSelector } from './embedding-selector.js';
import { createExamplePool } from './example-pool.js';
import { createMmrSelector } from './mmr-selector.js';

/** Embeds each known text as a fixed 2-d vector: angles that can be read off directly. */
function tableModel(vectors: Record<string, [number, number]>): EmbeddingModel & { calls: number } {
  const model = {
    specificationVersion: 'v1' as const,
    provider: 'test',
    modelId: 'table',
    maxEmbeddingsPerCall: 2,
    dimensions: 2,
    calls: 0,
    doEmbed: async ({ values }: { values: string[] }) => {
      model.calls += 1;
      return { embeddings: values.map((value) => vectors[value] ?? [0, 0]) };
    },
  };
  return model;
}

describe('createEmbeddingSelector', () => {
  const vectors: Record<string, [number, number]> = {
    'probation length': [1, 0],
    'trial period duration': [0.9, 0.1], // a paraphrase: no shared word, nearly the same direction
    'trial period duration again': [0.9, 0.1],
    'annual leave': [0, 1],
  };

  it('ranks by cosine of input embeddings, finding paraphrases without shared words', async () => {
    const model = tableModel(vectors);
    const pool = await createExamplePool(examplesOf(['trial period duration', 'annual leave', 'trial period duration again']), {
      analyzer: whitespaceAnalyzer,
      embeddingModel: model,
    });
    expect(model.calls).toBe(2); // three inputs in batches of two
    const selected = await createEmbeddingSelector(pool).select('probation length', { k: 3 });
    // cos([1,0], [0.9,0.1]) = 0.9 / √0.82 ≈ 0.994 for both twins (earlier first); cos with [0,1] = 0.
    expect(idsOf(selected)).toEqual(['e0', 'e2', 'e1']);
    expect(selected[0]!.score).toBeCloseTo(0.9 / Math.sqrt(0.82), 6);
    // MMR on embeddings with cosine diversity skips the twin: at λ = 0.4 the twin e2 scores
    // 0.4 · 1 − 0.6 · 1 = −0.2 and the orthogonal e1 scores 0.4 · 0 − 0.6 · 0 = 0.
    const diverse = createMmrSelector(pool, { relevance: createEmbeddingSelector(pool), diversity: 'cosine', lambda: 0.4 });
    expect(idsOf(await diverse.select('probation length', { k: 2 }))).toEqual(['e0', 'e1']);
  });

  it('explains that the pool needs an embedding model', async () => {
    const pool = await createExamplePool(examplesOf(['a']), { analyzer: whitespaceAnalyzer });
    expect(() => createEmbeddingSelector(pool)).toThrow(expect.objectContaining({ code: 'E_USAGE', details: expect.objectContaining({ setting: 'embeddingModel' }) }));
  });
});
