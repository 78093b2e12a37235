import { describe, expect, it } from 'vitest';
import { examplesOf, idsOf, whitespaceAnalyzer } from './__fixtures__/tiny-pools.js';
import { createBm25Selector } from './bm25-selector.js';
import { createExamplePool } from './example-pool.js';
import { createJaccardSelector } from './jaccard-selector.js';

describe('createBm25Selector', () => {
  // `contract` is in four of five inputs and `date` in three, `noncompete` in two: BM25's idf
  // makes the rare word worth more than the two common ones together.
  const inputs = ['contract signing date', 'contract renewal date', 'contract termination date', 'noncompete clause scope', 'noncompete contract'];

  it('ranks a rare shared term above several common ones, unlike Jaccard', async () => {
    const pool = await createExamplePool(examplesOf(inputs), { analyzer: whitespaceAnalyzer });
    // Feedback off: one BM25 pass, so the ranking follows from idf alone.
    const selected = await createBm25Selector(pool, { feedback: false }).select('noncompete contract date', { k: 3 });
    // e4 has `noncompete` and `contract` in a short input; e3 has only the rare `noncompete`,
    // yet beats e0, which has the common `contract` and `date`.
    expect(idsOf(selected)).toEqual(['e4', 'e3', 'e0']);
    expect(selected[0]!.sharedTerms).toEqual(['noncompete', 'contract']);
    // Jaccard counts words, not their rarity: e0 (2 of 4) beats e3 (1 of 5).
    expect(idsOf(await createJaccardSelector(pool).select('noncompete contract date', { k: 3 }))).toEqual(['e4', 'e0', 'e1']);
  });

  it('never returns an excluded example', async () => {
    const pool = await createExamplePool(examplesOf(inputs), { analyzer: whitespaceAnalyzer });
    const selected = await createBm25Selector(pool).select('noncompete contract date', { k: 5, exclude: (id) => id === 'e4' || id === 'e3' });
    expect(idsOf(selected).sort()).toEqual(['e0', 'e1', 'e2']);
  });
});
