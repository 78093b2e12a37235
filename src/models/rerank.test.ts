import { describe, expect, it } from 'vitest';
import { HangjiaError } from '../errors/index.js';
import { rerank } from './rerank.js';
import type { RerankingModel } from './reranking-model.js';

/** A model scoring a document by its length, answering in reverse order; records the batches it saw. */
function createRecordingModel(overrides: Partial<RerankingModel> = {}): RerankingModel & { batches: string[][] } {
  const batches: string[][] = [];
  return {
    specificationVersion: 'v1',
    provider: 'test',
    modelId: 'recording',
    maxDocumentsPerCall: 2,
    batches,
    async doRerank({ documents }) {
      batches.push(documents);
      return { ranking: documents.map((document, index) => ({ index, score: document.length })).reverse(), usage: { tokens: 5 } };
    },
    ...overrides,
  };
}

describe('rerank', () => {
  it('splits into batches of maxDocumentsPerCall, maps batch indexes back, sorts best first and sums usage', async () => {
    const model = createRecordingModel();
    const result = await rerank(model, { query: 'q', documents: ['aa', 'b', 'dddd', 'ccc', 'eeeee'] });
    expect(model.batches).toEqual([['aa', 'b'], ['dddd', 'ccc'], ['eeeee']]);
    expect(result.ranking).toEqual([
      { index: 4, score: 5 },
      { index: 2, score: 4 },
      { index: 3, score: 3 },
      { index: 0, score: 2 },
      { index: 1, score: 1 },
    ]);
    expect(result.usage.tokens).toBe(15);
  });

  it('keeps input order for equal scores, and keeps the best topN', async () => {
    const model = createRecordingModel();
    const { ranking } = await rerank(model, { query: 'q', documents: ['x', 'yy', 'z', 'w'], topN: 3 });
    // 'yy' is longest; the three one-letter documents tie and stay in input order.
    expect(ranking.map((entry) => entry.index)).toEqual([1, 0, 2]);
  });

  it('rejects a batch that scores a document twice, misses one or gives a non-finite score', async () => {
    const cases: Array<Array<{ index: number; score: number }>> = [
      [{ index: 0, score: 1 }, { index: 0, score: 2 }],
      [{ index: 1, score: 1 }],
      [{ index: 0, score: Number.NaN }, { index: 1, score: 1 }],
      [{ index: 0, score: 1 }, { index: 2, score: 1 }],
    ];
    for (const ranking of cases) {
      const model = createRecordingModel({ doRerank: async () => ({ ranking }) });
      const error = await rerank(model, { query: 'q', documents: ['a', 'b'] }).catch((reason: unknown) => reason);
      expect(HangjiaError.is(error, 'E_PROVIDER_RESPONSE')).toBe(true);
      expect((error as HangjiaError).details).toMatchObject({ provider: 'test', modelId: 'recording', expected: 2 });
    }
  });

  it('stops before the next batch once aborted', async () => {
    const controller = new AbortController();
    const model = createRecordingModel();
    const slow = createRecordingModel({
      doRerank: async (options) => {
        controller.abort(new Error('stop'));
        return model.doRerank(options);
      },
    });
    await expect(rerank(slow, { query: 'q', documents: ['a', 'b', 'c'], abortSignal: controller.signal })).rejects.toThrow('stop');
    expect(model.batches).toHaveLength(1);
  });
});
