import { describe, expect, it } from 'vitest';
import { examplesOf, idsOf, whitespaceAnalyzer } from './__fixtures__/tiny-pools.js';
import { createExamplePool } from './example-pool.js';
import { createRandomSelector } from './random-selector.js';

const inputs = Array.from({ length: 20 }, (_, index) => `question ${index}`);

describe('createRandomSelector', () => {
  it('is a function of seed and input, whatever was selected before', async () => {
    const pool = await createExamplePool(examplesOf(inputs), { analyzer: whitespaceAnalyzer });
    const first = createRandomSelector(pool, { seed: 42 });
    const second = createRandomSelector(pool, { seed: 42 });
    const picked = idsOf(await first.select('试用期最长多久', { k: 5 }));
    await second.select('another input first', { k: 5 });
    expect(idsOf(await second.select('试用期最长多久', { k: 5 }))).toEqual(picked);
    // Pinned, so a change to the generator or the sampling shows up here.
    expect(picked).toEqual(PINNED);
    expect(idsOf(await createRandomSelector(pool, { seed: 43 }).select('试用期最长多久', { k: 5 }))).not.toEqual(picked);
  });

  it('draws without replacement and honours exclude', async () => {
    const pool = await createExamplePool(examplesOf(inputs), { analyzer: whitespaceAnalyzer });
    const everything = idsOf(await createRandomSelector(pool).select('x', { k: 100, exclude: (id) => id === 'e3' }));
    expect(everything).toHaveLength(19);
    expect(new Set(everything).size).toBe(19);
    expect(everything).not.toContain('e3');
  });
});

const PINNED = ['e1', 'e8', 'e0', 'e13', 'e18'];
