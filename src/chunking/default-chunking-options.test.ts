import { describe, expect, it } from 'vitest';
import { HangjiaError } from '../errors/index.js';
import { DEFAULT_CHUNKING_OPTIONS, resolveChunkingOptions } from './default-chunking-options.js';

describe('resolveChunkingOptions', () => {
  it('fills unset options from the defaults', () => {
    expect(DEFAULT_CHUNKING_OPTIONS).toEqual({ maxChars: 800, maxTokens: 512, overlapChars: 100, minChars: 50 });
    expect(resolveChunkingOptions({ maxTokens: 300, minChars: undefined })).toEqual({ maxChars: 800, maxTokens: 300, overlapChars: 100, minChars: 50 });
  });

  it('shrinks unset overlapChars and minChars in proportion to a smaller maxChars', () => {
    expect(resolveChunkingOptions({ maxChars: 400 })).toEqual({ maxChars: 400, maxTokens: 512, overlapChars: 50, minChars: 25 });
    expect(resolveChunkingOptions({ maxChars: 2 })).toEqual({ maxChars: 2, maxTokens: 512, overlapChars: 0, minChars: 0 });
    expect(resolveChunkingOptions({ maxChars: 4000 })).toEqual({ maxChars: 4000, maxTokens: 512, overlapChars: 100, minChars: 50 });
    expect(resolveChunkingOptions({ maxChars: 400, overlapChars: 300 }).overlapChars).toBe(300);
  });

  it.each<[string, Record<string, number>, string, number]>([
    ['maxChars below 2', { maxChars: 1 }, 'chunking.maxChars', 1],
    ['a fractional maxTokens', { maxTokens: 2.5 }, 'chunking.maxTokens', 2.5],
    ['overlap as long as a chunk', { maxChars: 100, overlapChars: 100 }, 'chunking.overlapChars', 100],
    ['a negative minChars', { minChars: -1 }, 'chunking.minChars', -1],
    ['minChars above maxChars', { maxChars: 200, overlapChars: 10, minChars: 201 }, 'chunking.minChars', 201],
  ])('rejects %s with E_CONFIG naming the setting and value', (_name, options, setting, value) => {
    let caught: unknown;
    try {
      resolveChunkingOptions(options);
    } catch (error) {
      caught = error;
    }
    expect(HangjiaError.is(caught, 'E_CONFIG')).toBe(true);
    expect((caught as HangjiaError).details).toEqual({ setting, value });
  });

  it('says what was expected and what was found', () => {
    expect(() => resolveChunkingOptions({ maxChars: 100, overlapChars: 150 })).toThrow(
      'Chunking option overlapChars must be an integer from 0 to maxChars − 1 (99); got 150.',
    );
  });
});
