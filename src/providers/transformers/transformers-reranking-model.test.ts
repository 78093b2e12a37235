import { describe, expect, it } from 'vitest';
import { HangjiaError } from '../../errors/index.js';
import { rerank } from '../../models/index.js';
import { createTransformersRerankingModel } from './index.js';
import { runRerankingModelConformance } from '../../../test/conformance/reranking-model.case.js';
import { ensureTinyOnnxReranker } from '../../../test/fixtures/make-tiny-onnx-reranker.js';
import { ensureTinyOnnxEmbedder } from '../../../test/fixtures/make-tiny-onnx-embedder.js';

runRerankingModelConformance('transformers (tiny ONNX cross-encoder)', async () => {
  const model = createTransformersRerankingModel({ modelDir: await ensureTinyOnnxReranker(), maxDocumentsPerCall: 4 });
  return { model, dispose: () => model.dispose() };
});

const sigmoid = (value: number): number => 1 / (1 + Math.exp(-value));

describe('createTransformersRerankingModel', () => {
  it('reads query and passage as one pair: the tiny model counts shared tokens, squashed to (0, 1)', async () => {
    const model = createTransformersRerankingModel({ modelDir: await ensureTinyOnnxReranker() });
    // 劳动合同 shares 4 characters with the first passage, none with the second, and 劳,动 twice each with the third.
    const { ranking } = await rerank(model, { query: '劳动合同', documents: ['劳动合同试用期', '民法典', '劳动 劳动 合'] });
    expect(ranking).toEqual([
      { index: 2, score: sigmoid(5) },
      { index: 0, score: sigmoid(4) },
      { index: 1, score: sigmoid(0) },
    ]);
    await model.dispose();
  });

  it('keeps raw logits with normalize: false', async () => {
    const model = createTransformersRerankingModel({ modelDir: await ensureTinyOnnxReranker(), normalize: false });
    const { ranking } = await rerank(model, { query: '试用期', documents: ['试用期最长', '诉讼'] });
    expect(ranking).toEqual([{ index: 0, score: 3 }, { index: 1, score: 0 }]);
    await model.dispose();
  });

  it('reports a folder without config.json as E_MODEL_LOAD', async () => {
    const model = createTransformersRerankingModel({ modelDir: '/nonexistent/reranker' });
    const error = await rerank(model, { query: 'q', documents: ['x'] }).catch((reason: unknown) => reason);
    expect(HangjiaError.is(error, 'E_MODEL_LOAD')).toBe(true);
    expect((error as HangjiaError).message).toContain('config.json');
  });

  it('refuses a model that is not a one-logit cross-encoder, naming its output', async () => {
    // The tiny embedder loads as a BERT model, but gives a vector per token, not one relevance logit.
    const model = createTransformersRerankingModel({ modelDir: await ensureTinyOnnxEmbedder() });
    const error = await rerank(model, { query: '劳动', documents: ['劳动合同'] }).catch((reason: unknown) => reason);
    expect(HangjiaError.is(error, 'E_MODEL_LOAD')).toBe(true);
    expect((error as HangjiaError).message).toContain('no "logits" output');
    await model.dispose();
  });
});
