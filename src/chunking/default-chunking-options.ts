import { HangjiaError } from '../errors/index.js';
import type { ChunkingOptions } from './chunk.js';

/**
 * The chunk size bounds used when a setting is not given.
 *
 * - `maxChars` (integer ≥ 2, default 800): longest chunk text in UTF-16 code units. 800 characters
 *   of Chinese is about one statute article or a short FAQ answer, a unit a reader can cite.
 * - `maxTokens` (integer ≥ 1, default 512): most estimated tokens (see `estimateTokens`) per chunk;
 *   512 is the input window of the common Chinese embedders (bge-*-zh, m3e), so no chunk is truncated.
 * - `overlapChars` (integer, 0 ≤ value < maxChars, default 100): when a section is split, the next
 *   chunk repeats whole sentences from the end of the previous one totalling at most this many
 *   characters, so a sentence that leans on the one before it keeps its context. 0 disables it.
 * - `minChars` (integer, 0 ≤ value ≤ maxChars, default 50): a section shorter than this is merged
 *   with the next one under the same top-level heading (never across legal articles), so a heading
 *   with one line under it does not become a chunk on its own. 0 disables merging.
 */
export const DEFAULT_CHUNKING_OPTIONS: Readonly<ChunkingOptions> = Object.freeze({
  maxChars: 800,
  maxTokens: 512,
  overlapChars: 100,
  minChars: 50,
});

/**
 * Fills unset options from `DEFAULT_CHUNKING_OPTIONS` and checks every value against its range.
 * An unset `overlapChars` or `minChars` shrinks in proportion when `maxChars` is below its default
 * (`{ maxChars: 400 }` gets overlap 50 and minimum 25); a given one is used as is.
 *
 * @throws HangjiaError `E_CONFIG` naming the setting and the value when one is out of range.
 */
export function resolveChunkingOptions(options: Partial<ChunkingOptions> = {}): ChunkingOptions {
  const maxChars = options.maxChars ?? DEFAULT_CHUNKING_OPTIONS.maxChars;
  const resolved: ChunkingOptions = {
    maxChars,
    maxTokens: options.maxTokens ?? DEFAULT_CHUNKING_OPTIONS.maxTokens,
    overlapChars: options.overlapChars ?? scaledDefault('overlapChars', maxChars),
    minChars: options.minChars ?? scaledDefault('minChars', maxChars),
  };
  // A surrogate pair is two code units, so maxChars = 1 could not hold every character.
  checkRange('maxChars', resolved.maxChars, 2, Number.MAX_SAFE_INTEGER, 'an integer ≥ 2');
  checkRange('maxTokens', resolved.maxTokens, 1, Number.MAX_SAFE_INTEGER, 'an integer ≥ 1');
  checkRange('overlapChars', resolved.overlapChars, 0, resolved.maxChars - 1, `an integer from 0 to maxChars − 1 (${resolved.maxChars - 1})`);
  checkRange('minChars', resolved.minChars, 0, resolved.maxChars, `an integer from 0 to maxChars (${resolved.maxChars})`);
  return resolved;
}

function checkRange(setting: keyof ChunkingOptions, value: number, minimum: number, maximum: number, expected: string): void {
  if (Number.isInteger(value) && value >= minimum && value <= maximum) return;
  throw new HangjiaError(
    'E_CONFIG',
    `Chunking option ${setting} must be ${expected}; got ${String(value)}. Fix the chunking settings or leave ${setting} unset for the default (${DEFAULT_CHUNKING_OPTIONS[setting]}).`,
    { details: { setting: `chunking.${setting}`, value } },
  );
}

/** Unset defaults keep their proportion to a smaller maxChars, so `{ maxChars: 40 }` alone is valid. */
function scaledDefault(setting: 'overlapChars' | 'minChars', maxChars: number): number {
  const scaled = Math.floor((DEFAULT_CHUNKING_OPTIONS[setting] * maxChars) / DEFAULT_CHUNKING_OPTIONS.maxChars);
  return Math.min(DEFAULT_CHUNKING_OPTIONS[setting], scaled);
}
