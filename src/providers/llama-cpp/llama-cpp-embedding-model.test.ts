import { describe, expect, it } from 'vitest';
import { HangjiaError } from '../../errors/index.js';
import { embedMany } from '../../models/index.js';
import { createLlamaCppEmbeddingModel } from './index.js';
import { runEmbeddingModelConformance } from '../../../test/conformance/embedding-model.case.js';
import { ensureTinyGguf } from '../../../test/fixtures/make-tiny-gguf.js';

// threads: 1 — the tiny model is instant on one thread, and more threads only add contention on CI.
runEmbeddingModelConformance('llama-cpp (tiny GGUF)', async () => {
  const model = createLlamaCppEmbeddingModel({ modelPath: await ensureTinyGguf(), threads: 1, contextSize: 256, maxEmbeddingsPerCall: 4 });
  return { model, dispose: () => model.dispose() };
});

describe('createLlamaCppEmbeddingModel', () => {
  it('declares dimensions once loaded, and reloads after dispose', async () => {
    const model = createLlamaCppEmbeddingModel({ modelPath: await ensureTinyGguf(), threads: 1, contextSize: 256 });
    expect(model.dimensions).toBeUndefined();
    const first = await embedMany(model, ['法律']);
    expect(model.dimensions).toBe(64);
    await model.dispose();
    const second = await embedMany(model, ['法律']);
    expect(Array.from(second.embeddings[0] ?? [])).toEqual(Array.from(first.embeddings[0] ?? []));
    await model.dispose();
  });

  it('reports a missing model file as E_MODEL_LOAD naming the path', async () => {
    const model = createLlamaCppEmbeddingModel({ modelPath: '/nonexistent/model.gguf', threads: 1 });
    const error = await embedMany(model, ['x']).catch((reason: unknown) => reason);
    expect(HangjiaError.is(error, 'E_MODEL_LOAD')).toBe(true);
    expect((error as HangjiaError).message).toContain('/nonexistent/model.gguf');
  });
});
