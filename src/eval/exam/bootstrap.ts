import { createSeededRandom } from '../../support/index.js';

/**
 * Percentile-bootstrap confidence interval of an accuracy (Efron & Tibshirani 1993, ch. 13).
 *
 * The items are resampled with replacement `resamples` times (each resample as large as the
 * original); the accuracy of every resample is computed, sorted, and the interval is read off at
 * the α/2 and 1 − α/2 nearest-rank percentiles (for 1,000 resamples at 95 %: the 25th and the
 * 975th smallest). The random stream is a seeded mulberry32, so the same outcomes, seed and
 * resample count give the same interval on every machine. All-right gives [1, 1], all-wrong
 * [0, 0]: the percentile bootstrap cannot see beyond the observed data, one reason to report n.
 */

/** Options for {@link bootstrapAccuracyInterval}. */
export interface BootstrapOptions {
  /** Resamples drawn, a whole number ≥ 1. Default 1000. */
  resamples?: number;
  /** Coverage in (0, 1). Default 0.95. */
  level?: number;
  /** Seed of the random stream (any integer). Default 0. */
  seed?: number;
}

/** Default resample count: enough for two stable decimals of a 95 % interval. */
export const DEFAULT_BOOTSTRAP_RESAMPLES = 1000;

/**
 * The interval `[lower, upper]` for the share of `true` in `outcomes`; undefined for no outcomes.
 *
 * @example
 * bootstrapAccuracyInterval([true, true, true]);             // [1, 1]
 * bootstrapAccuracyInterval(outcomes, { seed: 7, resamples: 2000 });
 */
export function bootstrapAccuracyInterval(outcomes: readonly boolean[], options: BootstrapOptions = {}): [number, number] | undefined {
  return bootstrapMeanInterval(outcomes.map((outcome) => (outcome ? 1 : 0)), options);
}

/**
 * The same percentile bootstrap for a mean of values in any range (metric scores in [0, 1],
 * win/tie/loss as 1/½/0); for 0/1 values it is the accuracy interval. Undefined for no values.
 *
 * @example
 * bootstrapMeanInterval([0.5, 0.5]); // [0.5, 0.5]
 */
export function bootstrapMeanInterval(values: readonly number[], options: BootstrapOptions = {}): [number, number] | undefined {
  const { resamples = DEFAULT_BOOTSTRAP_RESAMPLES, level = 0.95, seed = 0 } = options;
  const count = values.length;
  if (count === 0) return undefined;
  const random = createSeededRandom(seed);
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

/** A seed for one group (subject) derived from the run seed, so adding a subject leaves the others' intervals unchanged. */
export function groupSeed(seed: number, group: string): number {
  let hash = 0x811c9dc5 ^ seed;
  for (let index = 0; index < group.length; index += 1) hash = Math.imul(hash ^ group.charCodeAt(index), 0x01000193);
  return hash >>> 0;
}


/**
 * The same percentile bootstrap for any statistic of the resampled items — one that is no mean of
 * per-item values, such as a micro-averaged F1 (the F1 of the resample's summed counts). Undefined
 * for no items. The same items, seed and resample count draw the same resamples whatever the
 * statistic, so intervals of precision, recall and F1 computed apart come from one set of resamples.
 *
 * @example
 * bootstrapStatisticInterval(counts, (sample) => f1(sumCounts(sample)), { seed: 0 });
 */
export function bootstrapStatisticInterval<T>(items: readonly T[], statistic: (sample: readonly T[]) => number, options: BootstrapOptions = {}): [number, number] | undefined {
  const { resamples = DEFAULT_BOOTSTRAP_RESAMPLES, level = 0.95, seed = 0 } = options;
  const count = items.length;
  if (count === 0) return undefined;
  const random = createSeededRandom(seed);
  const values = new Float64Array(resamples);
  const sample: T[] = new Array<T>(count);
  for (let round = 0; round < resamples; round += 1) {
    for (let draw = 0; draw < count; draw += 1) sample[draw] = items[Math.floor(random() * count)]!;
    values[round] = statistic(sample);
  }
  values.sort();
  const alpha = 1 - level;
  const at = (fraction: number): number => values[Math.min(resamples - 1, Math.max(0, Math.ceil(fraction * resamples) - 1))]!;
  return [at(alpha / 2), at(1 - alpha / 2)];
}
