/**
 * Banding for MinHash-LSH (Leskovec, Rajaraman, Ullman, "Mining of Massive Datasets", §3.4): cut a
 * signature of k = bands × rows values into `bands` bands of `rows`; two documents become a
 * candidate pair when any band matches exactly. For Jaccard s the probability is
 *
 *     P(s) = 1 − (1 − s^rows)^bands          (an S-curve rising near (1/bands)^(1/rows))
 *
 * Choosing bands and rows trades false positives (area under P on [0, t]) against false negatives
 * (area above P on [t, 1]); this follows datasketch's `_optimal_param`, integrating both areas and
 * minimising their weighted sum over every bands × rows ≤ k. hangjia verifies every candidate pair
 * with exact Jaccard, so a false positive costs only a comparison while a false negative is a
 * duplicate left in: the default weights favour recall (0.02 / 0.98: with 128 permutations, 17 bands × 7 rows, P(candidate) = 0.98 at Jaccard 0.8).
 */
export interface LshParameters {
  bands: number;
  rows: number;
  /** P(candidate) at the threshold itself. */
  recallAtThreshold: number;
}

export interface LshWeights {
  falsePositive: number;
  falseNegative: number;
}

export const DEFAULT_LSH_WEIGHTS: LshWeights = { falsePositive: 0.02, falseNegative: 0.98 };

export function candidateProbability(similarity: number, bands: number, rows: number): number {
  return 1 - (1 - similarity ** rows) ** bands;
}

function integrate(f: (x: number) => number, from: number, to: number): number {
  const steps = 200;
  const width = (to - from) / steps;
  let area = 0;
  for (let step = 0; step < steps; step += 1) area += f(from + (step + 0.5) * width) * width;
  return area;
}

/** The bands × rows (≤ numPermutations) minimising the weighted false positive and false negative areas around `threshold`. */
export function optimalLshParameters(threshold: number, numPermutations: number, weights: LshWeights = DEFAULT_LSH_WEIGHTS): LshParameters {
  let best: LshParameters | undefined;
  let bestError = Infinity;
  for (let bands = 1; bands <= numPermutations; bands += 1) {
    const maxRows = Math.floor(numPermutations / bands);
    for (let rows = 1; rows <= maxRows; rows += 1) {
      const falsePositive = integrate((s) => candidateProbability(s, bands, rows), 0, threshold);
      const falseNegative = integrate((s) => 1 - candidateProbability(s, bands, rows), threshold, 1);
      const error = weights.falsePositive * falsePositive + weights.falseNegative * falseNegative;
      if (error < bestError) {
        bestError = error;
        best = { bands, rows, recallAtThreshold: candidateProbability(threshold, bands, rows) };
      }
    }
  }
  return best!;
}
