import { describe, expect, it } from 'vitest';
import { bootstrapMeanInterval } from '../exam/index.js';
import { pairedMeanDifference } from './paired-mean-difference.js';

describe('pairedMeanDifference', () => {
  it('pairs items where both scores exist and averages after − before', () => {
    // Item 3 has no "before" score: left out. Differences +0.2, 0, −1.
    const result = pairedMeanDifference([0.5, 0.2, null, 1], [0.7, 0.2, 1, 0], { seed: 3 });
    expect(result.items).toBe(3);
    expect(result.difference).toBeCloseTo(-0.8 / 3, 12);
    expect(result.confidenceInterval).toEqual(bootstrapMeanInterval([0.7 - 0.5, 0, -1], { seed: 3 }));
  });

  it('gives p = 1 when nothing differs or one item cannot be told from chance, and a small p for a consistent difference', () => {
    expect(pairedMeanDifference([0.4, 0.6], [0.4, 0.6]).pValue).toBe(1);
    // One item: every sign flip has the same |mean|.
    expect(pairedMeanDifference([0], [1]).pValue).toBe(1);
    // Ten items all better by 1: only the all-plus and all-minus flips (2 in 1,024) reach |mean| 1.
    const consistent = pairedMeanDifference(Array(10).fill(0), Array(10).fill(1), { resamples: 2000 });
    expect(consistent.difference).toBe(1);
    expect(consistent.pValue).toBeLessThan(0.01);
    expect(consistent.confidenceInterval).toEqual([1, 1]);
  });

  it('returns no interval or p-value without paired items, and refuses unpaired lists', () => {
    expect(pairedMeanDifference([null], [1])).toMatchObject({ items: 0, confidenceInterval: null, pValue: null });
    expect(() => pairedMeanDifference([1], [1, 2])).toThrow(RangeError);
  });
});
