import { describe, expect, it } from 'vitest';
import { HangjiaError } from '../errors/index.js';
import { embedMany } from './embed-many.js';
import type { EmbeddingModel } from './embedding-model.js';

/** A model whose vector for text t is [t.length, batch number]; records the batches it saw. */
function createRecordingModel(overrides: Partial<EmbeddingModel> = {}): EmbeddingModel & { batches: string[][] } {
  const batches: string[][] = [];
  return {
    specificationVersion: 'v1',
    provider: 'test',
    modelId: 'recording',
    maxEmbeddingsPerCall: 2,
    dimensions: 2,
    batches,
    async doEmbed({ values }) {
      batches.push(values);
      return { embeddings: values.map((value) => [value.length, batches.length]), usage: { tokens: values.length * 10 } };
    },
    ...overrides,
  };
}

describe('embedMany', () => {
  it('splits into batches of maxEmbeddingsPerCall, keeps order, sums usage and reports progress', async () => {
    const model = createRecordingModel();
    const progress: unknown[] = [];
    const result = await embedMany(model, ['a', 'bb', 'ccc', 'dddd', 'e'], { onProgress: (update) => progress.push(update) });
    expect(model.batches).toEqual([['a', 'bb'], ['ccc', 'dddd'], ['e']]);
    expect(result.embeddings.map((vector) => Array.from(vector))).toEqual([[1, 1], [2, 1], [3, 2], [4, 2], [1, 3]]);
    expect(result.embeddings[0]).toBeInstanceOf(Float32Array);
    expect(result.usage).toEqual({ tokens: 50 });
    expect(progress).toEqual([{ completed: 2, total: 5 }, { completed: 4, total: 5 }, { completed: 5, total: 5 }]);
  });

  it('rejects a vector that differs from the declared dimensions, naming provider, model, expected and got', async () => {
    const model = createRecordingModel({ dimensions: 3 });
    const error = await embedMany(model, ['a']).catch((reason: unknown) => reason);
    expect(HangjiaError.is(error, 'E_EMBEDDING_DIMENSIONS')).toBe(true);
    expect((error as HangjiaError).details).toEqual({ provider: 'test', modelId: 'recording', expected: 3, got: 2, index: 0 });
  });

  it('without declared dimensions, rejects vectors that differ from the first one', async () => {
    const model = createRecordingModel({
      dimensions: undefined,
      doEmbed: async ({ values }) => ({ embeddings: values.map((value) => new Array<number>(value.length).fill(0)) }),
    });
    const error = await embedMany(model, ['aa', 'bb', 'ccc']).catch((reason: unknown) => reason);
    expect((error as HangjiaError).details).toMatchObject({ expected: 2, got: 3, index: 2 });
  });

  it('rejects a batch that comes back with the wrong number of vectors', async () => {
    const model = createRecordingModel({ doEmbed: async () => ({ embeddings: [[1, 2]] }) });
    const error = await embedMany(model, ['a', 'b']).catch((reason: unknown) => reason);
    expect(HangjiaError.is(error, 'E_PROVIDER_RESPONSE')).toBe(true);
  });

  it('stops before the next batch once aborted', async () => {
    const controller = new AbortController();
    const model = createRecordingModel();
    const promise = embedMany(model, ['a', 'b', 'c'], {
      abortSignal: controller.signal,
      onProgress: () => controller.abort(new Error('stop')),
    });
    await expect(promise).rejects.toThrow('stop');
    expect(model.batches).toHaveLength(1);
  });
});
