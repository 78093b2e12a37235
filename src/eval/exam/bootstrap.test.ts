import { describe, expect, it } from 'vitest';
import { bootstrapAccuracyInterval, groupSeed } from './bootstrap.js';

describe('bootstrapAccuracyInterval', () => {
  it('is [1, 1] when everything is right and [0, 0] when nothing is', () => {
    expect(bootstrapAccuracyInterval(Array(37).fill(true))).toEqual([1, 1]);
    expect(bootstrapAccuracyInterval(Array(37).fill(false))).toEqual([0, 0]);
  });

  it('spans [0, 1] for one right and one wrong: a quarter of resamples are all-wrong, a quarter all-right', () => {
    expect(bootstrapAccuracyInterval([true, false], { resamples: 2000, seed: 3 })).toEqual([0, 1]);
  });

  it('is close to the normal approximation for 50 of 100 (0.5 ± 1.96·0.05)', () => {
    const outcomes = Array.from({ length: 100 }, (_, index) => index < 50);
    const [lower, upper] = bootstrapAccuracyInterval(outcomes, { resamples: 4000, seed: 1 })!;
    expect(lower).toBeGreaterThanOrEqual(0.39);
    expect(lower).toBeLessThanOrEqual(0.42);
    expect(upper).toBeGreaterThanOrEqual(0.58);
    expect(upper).toBeLessThanOrEqual(0.61);
  });

  it('is reproducible from its seed and undefined for no outcomes', () => {
    const outcomes = Array.from({ length: 57 }, (_, index) => index % 3 !== 0);
    expect(bootstrapAccuracyInterval(outcomes, { seed: 9 })).toEqual(bootstrapAccuracyInterval(outcomes, { seed: 9 }));
    expect(bootstrapAccuracyInterval([])).toBeUndefined();
    expect(groupSeed(0, 'law')).toBe(groupSeed(0, 'law'));
    expect(groupSeed(0, 'law')).not.toBe(groupSeed(0, 'medicine'));
  });
});
