import { describe, expect, it } from 'vitest';
import { examplesOf, idsOf, whitespaceAnalyzer } from './__fixtures__/tiny-pools.js';
import { createExamplePool, type ExamplePool } from './example-pool.js';
import type { ExampleSelector } from './example-selector.js';
import { createMmrSelector } from './mmr-selector.js';

/** A relevance source with fixed scores, so the MMR arithmetic can be checked by hand. */
function fixedRelevance(pool: ExamplePool, scores: Record<string, number>): ExampleSelector {
  return {
    name: 'fixed',
    select: async (_input, options) =>
      Object.entries(scores)
        .filter(([id]) => !options.exclude?.(id))
        .slice(0, options.k)
        .map(([id, score]) => ({ example: pool.examples[pool.positionOf(id)!]!, score, sharedTerms: [] })),
  };
}

describe('createMmrSelector', () => {
  // e1 is a word-for-word duplicate of e0; e2 is different and somewhat less relevant.
  const inputs = ['probation period length', 'probation period length', 'probation salary', 'leave days'];
  const scores = { e0: 1, e1: 0.95, e2: 0.7, e3: 0.2 };

  it('does not pick a near-duplicate twice', async () => {
    const pool = await createExamplePool(examplesOf(inputs), { analyzer: whitespaceAnalyzer });
    const selected = await createMmrSelector(pool, { relevance: fixedRelevance(pool, scores) }).select('probation length', { k: 2 });
    // Round 1: nothing chosen yet, so e0 wins on relevance: 0.7 · 1 = 0.7.
    // Round 2: e1 = 0.7 · 0.95 − 0.3 · J(e1, e0) = 0.665 − 0.3 · 1 = 0.365;
    //          e2 = 0.7 · 0.7 − 0.3 · J(e2, e0) = 0.49 − 0.3 · 1/4 = 0.415, so e2 beats the duplicate.
    expect(idsOf(selected)).toEqual(['e0', 'e2']);
    expect(selected[0]!.score).toBeCloseTo(0.7, 12);
    expect(selected[1]!.score).toBeCloseTo(0.415, 12);
  });

  it('is plain relevance ranking at λ = 1', async () => {
    const pool = await createExamplePool(examplesOf(inputs), { analyzer: whitespaceAnalyzer });
    const selected = await createMmrSelector(pool, { relevance: fixedRelevance(pool, scores), lambda: 1 }).select('probation length', { k: 2 });
    expect(idsOf(selected)).toEqual(['e0', 'e1']);
  });

  it('diversifies BM25 candidates by default', async () => {
    const pool = await createExamplePool(examplesOf(inputs), { analyzer: whitespaceAnalyzer });
    const selected = await createMmrSelector(pool, { lambda: 0.3 }).select('probation period length', { k: 2 });
    // BM25 ranks the twins e0, e1 first with equal scores (relevance 1 each), then e2 (only
    // `probation`, relevance r in (0, 1)). Round 2 at λ = 0.3: e1 = 0.3 − 0.7 · 1 = −0.4, while
    // e2 = 0.3 · r − 0.7 · J(e2, e0) = 0.3 · r − 0.7 / 4 ≥ −0.175, whatever r is.
    expect(idsOf(selected)).toEqual(['e0', 'e2']);
    // Without the diversity term the twin comes second.
    expect(idsOf(await createMmrSelector(pool, { lambda: 1 }).select('probation period length', { k: 2 }))).toEqual(['e0', 'e1']);
  });

  it('rejects λ outside [0, 1] and cosine diversity without embeddings', async () => {
    const pool = await createExamplePool(examplesOf(inputs), { analyzer: whitespaceAnalyzer });
    expect(() => createMmrSelector(pool, { lambda: 1.5 })).toThrow(expect.objectContaining({ code: 'E_USAGE', details: expect.objectContaining({ setting: 'lambda' }) }));
    expect(() => createMmrSelector(pool, { diversity: 'cosine' })).toThrow(expect.objectContaining({ code: 'E_USAGE', details: expect.objectContaining({ setting: 'diversity' }) }));
  });
});
