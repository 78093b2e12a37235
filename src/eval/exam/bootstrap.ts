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
  const { resamples = DEFAULT_BOOTSTRAP_RESAMPLES, level = 0.95, seed = 0 } = options;
  const count = outcomes.length;
  if (count === 0) return undefined;
  const random = mulberry32(seed);
  const values = new Uint8Array(count);
  for (let index = 0; index < count; index += 1) values[index] = outcomes[index] ? 1 : 0;
  const accuracies = new Float64Array(resamples);
  for (let round = 0; round < resamples; round += 1) {
    let correct = 0;
    for (let draw = 0; draw < count; draw += 1) correct += values[Math.floor(random() * count)]!;
    accuracies[round] = correct / count;
  }
  accuracies.sort();
  const alpha = 1 - level;
  const at = (fraction: number): number => accuracies[Math.min(resamples - 1, Math.max(0, Math.ceil(fraction * resamples) - 1))]!;
  return [at(alpha / 2), at(1 - alpha / 2)];
}

/** A seed for one group (subject) derived from the run seed, so adding a subject leaves the others' intervals unchanged. */
export function groupSeed(seed: number, group: string): number {
  let hash = 0x811c9dc5 ^ seed;
  for (let index = 0; index < group.length; index += 1) hash = Math.imul(hash ^ group.charCodeAt(index), 0x01000193);
  return hash >>> 0;
}

/** mulberry32 (Tommy Ettinger's 32-bit generator): small, fast and good enough for resampling. */
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
