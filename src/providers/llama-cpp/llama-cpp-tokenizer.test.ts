import { describe, expect, it } from 'vitest';
import { ensureTinyGguf } from '../../../test/fixtures/make-tiny-gguf.js';
import { HangjiaError } from '../../errors/index.js';
import { loadLlamaCppTokenizer } from './index.js';

describe('loadLlamaCppTokenizer', () => {
  it('counts tokens with the GGUF vocabulary, without BOS/EOS (tiny generated model)', async () => {
    const modelPath = await ensureTinyGguf();
    const tokenizer = await loadLlamaCppTokenizer(modelPath);
    try {
      expect(tokenizer.modelPath).toBe(modelPath);
      // 劳动合同 is one piece of the tiny vocabulary; llama.cpp puts the word-start marker ▁ before
      // SentencePiece input, so it is 2 tokens. The rest of the question has no merged pieces: one
      // token per character. The empty text gets no BOS, so 0.
      expect(tokenizer.countTokens('劳动合同')).toBe(2);
      expect(tokenizer.countTokens('劳动合同试用期最长多久')).toBe(2 + 7);
      expect(tokenizer.countTokens('')).toBe(0);
    } finally {
      await tokenizer.dispose();
    }
  });

  it('reports a missing model file as E_MODEL_LOAD naming the path', async () => {
    const error = await loadLlamaCppTokenizer('/nonexistent/vocabulary.gguf').catch((reason: unknown) => reason);
    expect(HangjiaError.is(error, 'E_MODEL_LOAD')).toBe(true);
    expect((error as HangjiaError).message).toContain('/nonexistent/vocabulary.gguf');
    expect((error as HangjiaError).details).toMatchObject({ provider: 'llama-cpp', modelId: '/nonexistent/vocabulary.gguf' });
  });

  it('reports a file that is not GGUF as E_MODEL_LOAD', async () => {
    const error = await loadLlamaCppTokenizer(new URL(import.meta.url).pathname).catch((reason: unknown) => reason);
    expect(HangjiaError.is(error, 'E_MODEL_LOAD')).toBe(true);
    expect((error as HangjiaError).message).toContain('could not read the vocabulary');
  });
});
