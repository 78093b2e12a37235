import { createSeededRandom } from '../../support/index.js';
import { bootstrapMeanInterval } from '../exam/index.js';

/** The change in a per-item score from `before` to `after` on the same items, with its interval and p-value. */
export interface PairedMeanDifference {
  items: number;
  /** mean(after) − mean(before) over the paired items. */
  difference: number;
  /** Percentile bootstrap of the mean per-item difference; null for no items. */
  confidenceInterval: [number, number] | null;
  /** Two-sided paired randomization (sign-flip) test; null for no items. */
  pValue: number | null;
  level: number;
  resamples: number;
  seed: number;
}

/**
 * Compares two systems on per-item scores in [0, 1] or any scale (character F1, faithfulness,
 * latency): the mean per-item difference, a percentile-bootstrap interval of it (items resampled
 * with their pair kept together, as `pairedBootstrapDifference` does for accuracy), and the
 * two-sided p-value of Fisher's paired randomization test: under "no difference" each item's
 * difference is as likely to have either sign, so the observed |mean| is compared with the
 * |mean| of `resamples` random sign flips, p = (1 + #{≥ observed}) / (1 + resamples). Smucker,
 * Allan & Carterette 2007 ("A comparison of statistical significance tests for information
 * retrieval evaluation", CIKM) recommend this test for paired IR and QA scores.
 *
 * Items where either score is null are left out (the metric does not apply to them).
 *
 * @example
 * pairedMeanDifference([0.5, 0.2, null], [0.7, 0.2, 1]); // difference 0.1 over 2 items
 */
export function pairedMeanDifference(
  before: ReadonlyArray<number | null>,
  after: ReadonlyArray<number | null>,
  options: { resamples?: number; level?: number; seed?: number } = {},
): PairedMeanDifference {
  const { resamples = 1000, level = 0.95, seed = 0 } = options;
  if (before.length !== after.length) throw new RangeError(`Paired scores must be the same items: got ${before.length} before and ${after.length} after.`);
  const differences: number[] = [];
  for (let index = 0; index < before.length; index += 1) {
    const left = before[index];
    const right = after[index];
    if (left != null && right != null) differences.push(right - left);
  }
  if (differences.length === 0) return { items: 0, difference: 0, confidenceInterval: null, pValue: null, level, resamples, seed };
  const mean = differences.reduce((sum, value) => sum + value, 0) / differences.length;
  const random = createSeededRandom(seed);
  // A tolerance, so that flips summing to the observed value in another float order still count.
  const observed = Math.abs(mean) - 1e-12;
  let atLeast = 0;
  for (let round = 0; round < resamples; round += 1) {
    let sum = 0;
    for (const difference of differences) sum += random() < 0.5 ? -difference : difference;
    if (Math.abs(sum / differences.length) >= observed) atLeast += 1;
  }
  return {
    items: differences.length,
    difference: mean,
    confidenceInterval: bootstrapMeanInterval(differences, { resamples, level, seed }) ?? null,
    pValue: (1 + atLeast) / (1 + resamples),
    level,
    resamples,
    seed,
  };
}
