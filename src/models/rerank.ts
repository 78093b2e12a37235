import { HangjiaError } from '../errors/index.js';
import type { RerankingModel } from './reranking-model.js';

export interface RerankOptions {
  query: string;
  documents: readonly string[];
  /** Keep only the best `topN` (default: all). */
  topN?: number;
  /** Stops between batches and is passed to the adapter to stop the batch in flight. */
  abortSignal?: AbortSignal;
}

export interface RerankResult {
  /**
   * One entry per document (or the best `topN`), most relevant first; `index` is the document's
   * position in `documents`. Equal scores keep the input order, so a tie never reorders
   * first-stage results.
   */
  ranking: Array<{ index: number; score: number }>;
  /** Tokens the backend reported, summed over batches (0 when it reports none). */
  usage: { tokens: number };
}

/**
 * Scores `documents` against `query` with `model`, in batches of `model.maxDocumentsPerCall`, and
 * returns them most relevant first. Each batch must score each of its documents exactly once with
 * a finite number, or this throws `E_PROVIDER_RESPONSE` naming the batch; otherwise it throws what
 * the adapter throws (`E_PROVIDER_*`, `E_MODEL_LOAD`).
 *
 * @example
 * const { ranking } = await rerank(model, { query: '试用期最长多久', documents: hits.map((hit) => hit.chunk.text), topN: 5 });
 */
export async function rerank(model: RerankingModel, options: RerankOptions): Promise<RerankResult> {
  const { query, documents, abortSignal } = options;
  const batchSize = Math.max(1, Math.floor(model.maxDocumentsPerCall));
  const scores = new Array<number>(documents.length);
  let tokens = 0;
  for (let start = 0; start < documents.length; start += batchSize) {
    abortSignal?.throwIfAborted();
    const batch = documents.slice(start, start + batchSize);
    const result = await model.doRerank(abortSignal === undefined ? { query, documents: batch } : { query, documents: batch, abortSignal });
    const seen = new Set<number>();
    for (const { index, score } of result.ranking) {
      if (!Number.isInteger(index) || index < 0 || index >= batch.length || seen.has(index) || !Number.isFinite(score)) {
        throw badBatch(model, start, batch.length, `an entry { index: ${index}, score: ${score} } that is out of range, repeated or not a finite score`);
      }
      seen.add(index);
      scores[start + index] = score;
    }
    if (seen.size !== batch.length) throw badBatch(model, start, batch.length, `${seen.size} scores`);
    tokens += result.usage?.tokens ?? 0;
  }
  const ranking = scores.map((score, index) => ({ index, score })).sort((left, right) => right.score - left.score || left.index - right.index);
  return { ranking: options.topN === undefined ? ranking : ranking.slice(0, Math.max(0, options.topN)), usage: { tokens } };
}

function badBatch(model: RerankingModel, start: number, size: number, got: string): HangjiaError {
  return new HangjiaError(
    'E_PROVIDER_RESPONSE',
    `${model.provider} reranking model "${model.modelId}" returned ${got} for ${size} documents (inputs ${start}–${start + size - 1}); every document needs exactly one finite score. ` +
      'The endpoint may cap its batch size: lower maxDocumentsPerCall.',
    { details: { provider: model.provider, modelId: model.modelId, expected: size, got } },
  );
}
