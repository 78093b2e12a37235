import { expect, it, vi } from 'vitest';
import { HangjiaError } from '../../errors/index.js';
import { embedMany } from '../../models/index.js';
import { createLlamaCppEmbeddingModel, loadLlamaCppTokenizer } from './index.js';

// Simulates an install without the optional peer dependency: importing it fails.
vi.mock('node-llama-cpp', () => {
  throw new Error("Cannot find package 'node-llama-cpp'");
});

it('explains how to install node-llama-cpp when it is missing', async () => {
  const model = createLlamaCppEmbeddingModel({ modelPath: 'model.gguf', threads: 1 });
  const error = await embedMany(model, ['x']).catch((reason: unknown) => reason);
  expect(HangjiaError.is(error, 'E_MODEL_LOAD')).toBe(true);
  expect((error as HangjiaError).message).toContain('npm install node-llama-cpp');
});

it('says the same when only the tokenizer is wanted', async () => {
  const error = await loadLlamaCppTokenizer('model.gguf').catch((reason: unknown) => reason);
  expect(HangjiaError.is(error, 'E_MODEL_LOAD')).toBe(true);
  expect((error as HangjiaError).message).toContain('npm install node-llama-cpp');
});
