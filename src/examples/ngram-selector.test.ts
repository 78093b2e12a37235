import { describe, expect, it } from 'vitest';
import { examplesOf, whitespaceAnalyzer } from './__fixtures__/tiny-pools.js';
import { characterNgrams } from './character-ngrams.js';
import { createExamplePool } from './example-pool.js';
import { createNgramSelector } from './ngram-selector.js';

describe('characterNgrams', () => {
  it('emits n-grams per size within runs of letters and digits, normalised', () => {
    expect(characterNgrams('试用期，多久', [2, 3])).toEqual(['试用', '用期', '试用期', '多久']);
    expect(characterNgrams('ＡＢ c', [2])).toEqual(['ab']);
  });
});

describe('createNgramSelector', () => {
  it('ranks by Jaccard of character bigram and trigram sets', async () => {
    const pool = await createExamplePool(examplesOf(['试用期多长时间', '试用期工资标准', '年假有几天']), { analyzer: whitespaceAnalyzer });
    const selected = await createNgramSelector(pool).select('试用期多长', { k: 3 });
    // Input: 4 bigrams + 3 trigrams = 7. e0 (6 + 5 = 11 n-grams) shares 试用 用期 期多 多长 试用期
    // 用期多 期多长 = 7, so 7 / (7 + 11 − 7). e1 (11 n-grams) shares 试用 用期 试用期: 3 / 15.
    // e2 shares no character pair.
    expect(selected.map((item) => [item.example.id, item.score])).toEqual([
      ['e0', 7 / 11],
      ['e1', 3 / 15],
    ]);
    expect(selected[1]!.sharedTerms).toEqual(['试用', '用期', '试用期']);
  });

  it('uses the pool’s n-gram sizes', async () => {
    const pool = await createExamplePool(examplesOf(['试用期多长时间']), { analyzer: whitespaceAnalyzer, ngramSizes: [3] });
    // Trigrams only: input 试用期 用期多 期多长 (3), e0 has 5, all 3 shared → 3 / 5.
    const [best] = await createNgramSelector(pool).select('试用期多长', { k: 1 });
    expect(best?.score).toBe(3 / 5);
  });

  it('rejects n-gram sizes out of range', async () => {
    await expect(createExamplePool(examplesOf(['x']), { analyzer: whitespaceAnalyzer, ngramSizes: [0] })).rejects.toMatchObject({
      code: 'E_USAGE',
      details: { setting: 'ngramSizes' },
    });
  });
});
