import { describe, expect, it } from 'vitest';
import { createAnalyzer } from '../analysis/index.js';
import { examplesOf, idsOf, whitespaceAnalyzer } from './__fixtures__/tiny-pools.js';
import { createExamplePool } from './example-pool.js';
import { createJaccardSelector } from './jaccard-selector.js';

describe('createJaccardSelector', () => {
  it('ranks by |A ∩ B| / |A ∪ B| of analyzer terms', async () => {
    const pool = await createExamplePool(
      examplesOf(['probation period length', 'probation period salary', 'annual leave days', 'probation period length limit', 'salary payment date']),
      { analyzer: whitespaceAnalyzer },
    );
    const selected = await createJaccardSelector(pool).select('probation period length', { k: 3 });
    // e0 has the same three words (3/3); e3 adds `limit` (3/4); e1 shares two of four words (2/4).
    // e2 and e4 share nothing and are never candidates.
    expect(selected.map((item) => [item.example.id, item.score])).toEqual([
      ['e0', 1],
      ['e3', 0.75],
      ['e1', 0.5],
    ]);
    expect(selected[2]!.sharedTerms).toEqual(['probation', 'period']);
  });

  it('skips excluded examples and returns fewer than k when fewer share a term', async () => {
    const pool = await createExamplePool(examplesOf(['probation period length', 'probation period salary', 'annual leave days']), {
      analyzer: whitespaceAnalyzer,
    });
    const selected = await createJaccardSelector(pool).select('probation period length', { k: 3, exclude: (id) => id === 'e0' });
    expect(idsOf(selected)).toEqual(['e1']);
  });

  it('works on Chinese through the analyzer', async () => {
    const pool = await createExamplePool(examplesOf(['年假有几天？', '试用期最长是多久？', '加班费怎么算？']), { analyzer: createAnalyzer() });
    const [best] = await createJaccardSelector(pool).select('试用期可以约定多长时间？', { k: 1 });
    // Only the probation question shares terms (试用期 and its bigrams); whitespace splitting
    // would have found no shared word at all.
    expect(best?.example.id).toBe('e1');
    expect(best?.sharedTerms).toContain('试用期');
  });

  it('rejects a k that is not a whole number ≥ 1', async () => {
    const pool = await createExamplePool(examplesOf(['a b']), { analyzer: whitespaceAnalyzer });
    await expect(createJaccardSelector(pool).select('a', { k: 0 })).rejects.toMatchObject({ code: 'E_USAGE', details: { setting: 'k', value: 0 } });
  });
});
