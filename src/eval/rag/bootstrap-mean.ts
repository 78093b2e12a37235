import { DEFAULT_BOOTSTRAP_RESAMPLES, type BootstrapOptions } from '../exam/index.js';

/**
 * Percentile-bootstrap confidence interval of a mean of values in any range (metric scores in
 * [0, 1], win/tie/loss as 1/½/0): the same procedure and random stream as the exam runner's
 * `bootstrapAccuracyInterval` (Efron & Tibshirani 1993, ch. 13; seeded mulberry32; nearest-rank
 * percentiles), so for 0/1 values the two return the same interval for the same seed. Undefined
 * for no values.
 *
 * @example
 * bootstrapMeanInterval([0.5, 0.5]);                  // [0.5, 0.5]
 * bootstrapMeanInterval(scores, { seed: 7 });
 */
export function bootstrapMeanInterval(values: readonly number[], options: BootstrapOptions = {}): [number, number] | undefined {
  const { resamples = DEFAULT_BOOTSTRAP_RESAMPLES, level = 0.95, seed = 0 } = options;
  const count = values.length;
  if (count === 0) return undefined;
  const random = mulberry32(seed);
  const means = new Float64Array(resamples);
  for (let round = 0; round < resamples; round += 1) {
    let sum = 0;
    for (let draw = 0; draw < count; draw += 1) sum += values[Math.floor(random() * count)]!;
    means[round] = sum / count;
  }
  means.sort();
  const alpha = 1 - level;
  const at = (fraction: number): number => means[Math.min(resamples - 1, Math.max(0, Math.ceil(fraction * resamples) - 1))]!;
  return [at(alpha / 2), at(1 - alpha / 2)];
}

/** The arithmetic mean, or null for no values. */
export function meanOf(values: readonly number[]): number | null {
  return values.length === 0 ? null : values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** mulberry32, as in `eval/exam/bootstrap.ts` (kept identical so both intervals agree on 0/1 data). */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}
