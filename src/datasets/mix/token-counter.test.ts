import { describe, expect, it } from 'vitest';
import { ensureTinyGguf } from '../../../test/fixtures/make-tiny-gguf.js';
import { HangjiaError } from '../../errors/index.js';
import { estimatedTokenCounter, loadGgufTokenCounter } from './token-counter.js';

describe('token counters', () => {
  it('the estimate is chunking’s estimateTokens', async () => {
    expect(await estimatedTokenCounter.countTokens(['劳动合同 is signed.'])).toEqual([8]);
  });

  it('a GGUF tokenizer counts with the model vocabulary (tiny generated model)', async () => {
    const counter = await loadGgufTokenCounter(await ensureTinyGguf());
    try {
      // The tiny vocabulary has the piece 劳动合同: the word-start marker ▁ plus that piece is 2 tokens (the estimate says 4).
      expect(await counter.countTokens(['劳动合同', ''])).toEqual([2, 0]);
      expect(counter.name).toMatch(/^gguf:.*tiny-llama\.gguf$/u);
    } finally {
      await counter.dispose?.();
    }
  });

  it('a missing GGUF is E_MODEL_LOAD naming the path and the estimate as the way out', async () => {
    const error = await loadGgufTokenCounter('/nonexistent/x.gguf').catch((reason: unknown) => reason);
    expect(HangjiaError.is(error, 'E_MODEL_LOAD')).toBe(true);
    expect((error as Error).message).toContain('/nonexistent/x.gguf');
    expect((error as Error).message).toContain('leave out --tokenizer');
  });
});
