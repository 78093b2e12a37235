import type { ExamplePool } from './example-pool.js';
import type { ExampleSelector } from './example-selector.js';
import { acceptPositions, checkSelectOptions } from './_select-options.js';
import { createSeededRandom } from '../support/index.js';

/** Options for {@link createRandomSelector}. */
export interface RandomSelectorOptions {
  /** Any 32-bit integer; the same seed and input always give the same examples. Default 0. */
  seed?: number;
}

/**
 * Picks k examples uniformly at random, without replacement: the baseline every other selector
 * must beat (and the usual static few-shot prompt, minus the luck of a hand-picked set).
 *
 * Randomness is derived from the seed *and the input* (FNV-1a of both seeds a mulberry32
 * generator), so a selection does not depend on what was selected before it: runs reproduce
 * whatever order inputs come in. Sampling is a Fisher–Yates shuffle that stops after k accepted
 * examples and records only the swaps it made, so it costs O(k + excluded draws), not O(pool).
 * Scores are 0; `sharedTerms` lists the analyzer terms in common, as for the other selectors.
 *
 * @example
 * const baseline = createRandomSelector(pool, { seed: 42 });
 */
export function createRandomSelector(pool: ExamplePool, selectorOptions: RandomSelectorOptions = {}): ExampleSelector {
  const seed = selectorOptions.seed ?? 0;
  return {
    name: 'random',
    select: async (input, options) => {
      checkSelectOptions('random', options);
      const accept = acceptPositions(pool, options);
      const next = createSeededRandom(fnv1a(input, seed));
      const size = pool.examples.length;
      const swapped = new Map<number, number>();
      const picked: number[] = [];
      for (let drawn = 0; drawn < size && picked.length < options.k; drawn += 1) {
        const target = drawn + Math.floor(next() * (size - drawn));
        const position = swapped.get(target) ?? target;
        swapped.set(target, swapped.get(drawn) ?? drawn);
        if (accept === undefined || accept(position)) picked.push(position);
      }
      const query = pool.terms.resolve(pool.analyzeInput(input));
      return picked.map((position) => ({ example: pool.examples[position]!, score: 0, sharedTerms: pool.terms.sharedTerms(query, position) }));
    },
  };
}

/** FNV-1a over the UTF-16 code units of `text`, starting from `seed` mixed into the offset basis. */
function fnv1a(text: string, seed: number): number {
  let hash = (0x811c9dc5 ^ seed) >>> 0;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

