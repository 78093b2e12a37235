import { HangjiaError } from '../errors/index.js';
import type { ExamplePool } from './example-pool.js';
import type { SelectOptions } from './example-selector.js';

/** Throws `E_USAGE` unless `k` is a whole number ≥ 1. */
export function checkSelectOptions(selector: string, options: SelectOptions): void {
  if (!Number.isInteger(options.k) || options.k < 1) {
    throw new HangjiaError('E_USAGE', `Example selector "${selector}" needs k to be a whole number ≥ 1 (how many examples to pick); got ${options.k}.`, {
      details: { selector, setting: 'k', value: options.k },
    });
  }
}

/** `options.exclude` as a test on pool positions, or undefined when nothing is excluded. */
export function acceptPositions(pool: ExamplePool, options: SelectOptions): ((position: number) => boolean) | undefined {
  const exclude = options.exclude;
  if (exclude === undefined) return undefined;
  return (position) => !exclude(pool.examples[position]!.id);
}
