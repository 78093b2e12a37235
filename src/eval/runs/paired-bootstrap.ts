import { createSeededRandom } from '../../support/index.js';

/** Options for {@link pairedBootstrapDifference}. */
export interface PairedBootstrapOptions {
  /** Resamples drawn, a whole number ≥ 1. Default 1000. */
  resamples?: number;
  /** Coverage in (0, 1). Default 0.95. */
  level?: number;
  /** Seed of the random stream. Default 0. */
  seed?: number;
}

/** The change in accuracy from `before` to `after` on the same items, with its interval. */
export interface PairedDifference {
  items: number;
  /** accuracy(after) − accuracy(before), in [−1, 1]. */
  difference: number;
  /** Percentile-bootstrap interval of the difference; null for no items. */
  confidenceInterval: [number, number] | null;
  level: number;
  resamples: number;
  seed: number;
}

/**
 * Paired percentile bootstrap of an accuracy difference (Efron & Tibshirani 1993, ch. 13; for
 * paired system comparisons see Koehn 2004, "Statistical significance tests for machine
 * translation evaluation", EMNLP). Items, not the two runs separately, are resampled with
 * replacement: each draw keeps an item's pair of outcomes together, so the interval reflects the
 * per-item correlation between the runs and is much tighter than two independent intervals
 * (the reason a forgetting check should use it). Same generator and nearest-rank percentiles as
 * `bootstrapAccuracyInterval`.
 *
 * Outcome i of `before` and of `after` must be the same item.
 *
 * @example
 * pairedBootstrapDifference([true, true, false], [true, false, false]); // difference −1/3
 */
export function pairedBootstrapDifference(before: readonly boolean[], after: readonly boolean[], options: PairedBootstrapOptions = {}): PairedDifference {
  const { resamples = 1000, level = 0.95, seed = 0 } = options;
  if (before.length !== after.length) throw new RangeError(`Paired outcomes must be the same items: got ${before.length} before and ${after.length} after.`);
  const count = before.length;
  const deltas = new Int8Array(count);
  let sum = 0;
  for (let index = 0; index < count; index += 1) {
    deltas[index] = (after[index] ? 1 : 0) - (before[index] ? 1 : 0);
    sum += deltas[index]!;
  }
  if (count === 0) return { items: 0, difference: 0, confidenceInterval: null, level, resamples, seed };
  const random = createSeededRandom(seed);
  const differences = new Float64Array(resamples);
  for (let round = 0; round < resamples; round += 1) {
    let total = 0;
    for (let draw = 0; draw < count; draw += 1) total += deltas[Math.floor(random() * count)]!;
    differences[round] = total / count;
  }
  differences.sort();
  const alpha = 1 - level;
  const at = (fraction: number): number => differences[Math.min(resamples - 1, Math.max(0, Math.ceil(fraction * resamples) - 1))]!;
  return { items: count, difference: sum / count, confidenceInterval: [at(alpha / 2), at(1 - alpha / 2)], level, resamples, seed };
}
