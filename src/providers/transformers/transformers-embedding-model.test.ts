import { describe, expect, it } from 'vitest';
import { HangjiaError } from '../../errors/index.js';
import { embedMany } from '../../models/index.js';
import { createTransformersEmbeddingModel } from './index.js';
import { runEmbeddingModelConformance } from '../../../test/conformance/embedding-model.case.js';
import { ensureTinyOnnxEmbedder, TINY_EMBEDDER_DIMENSIONS } from '../../../test/fixtures/make-tiny-onnx-embedder.js';

runEmbeddingModelConformance('transformers (tiny ONNX)', async () => {
  const model = createTransformersEmbeddingModel({ modelDir: await ensureTinyOnnxEmbedder(), maxEmbeddingsPerCall: 4 });
  return { model, dispose: () => model.dispose() };
});

describe('createTransformersEmbeddingModel', () => {
  it('mean-pools and normalises by default', async () => {
    const model = createTransformersEmbeddingModel({ modelDir: await ensureTinyOnnxEmbedder() });
    const { embeddings } = await embedMany(model, ['劳动合同']);
    expect(model.dimensions).toBe(TINY_EMBEDDER_DIMENSIONS);
    expect(Math.hypot(...(embeddings[0] ?? []))).toBeCloseTo(1, 5);
    await model.dispose();
  });

  it('keeps raw lengths with normalize: false', async () => {
    const model = createTransformersEmbeddingModel({ modelDir: await ensureTinyOnnxEmbedder(), normalize: false });
    const { embeddings } = await embedMany(model, ['劳动合同']);
    // Mean of random rows in [-0.5, 0.5): far shorter than 1.
    expect(Math.hypot(...(embeddings[0] ?? []))).toBeLessThan(0.9);
    await model.dispose();
  });

  it('reports a folder without config.json as E_MODEL_LOAD', async () => {
    const model = createTransformersEmbeddingModel({ modelDir: '/nonexistent/embedder' });
    const error = await embedMany(model, ['x']).catch((reason: unknown) => reason);
    expect(HangjiaError.is(error, 'E_MODEL_LOAD')).toBe(true);
    expect((error as HangjiaError).message).toContain('config.json');
  });
});
