/**
 * The reranking model specification that every provider adapter implements: a cross-encoder (or a
 * service running one) that reads a query and a document together and says how relevant the
 * document is — slower than comparing embeddings made apart, and sharper.
 *
 * Adapters declare their limits; `rerank` (this folder) does the batching, the checks and the
 * final ordering so that no adapter has to. The `do` prefix marks the adapter method so it is not
 * mistaken for user API: call `rerank(model, { query, documents })` instead of `model.doRerank(…)`.
 *
 * Implementations: `providers/http-reranker` (the `/rerank` APIs of Jina, Cohere, Text Embeddings
 * Inference, vLLM, llama.cpp server) and `providers/transformers` (a local ONNX cross-encoder);
 * each runs the shared suite in `test/conformance/reranking-model.case.ts`.
 *
 * @example
 * const { ranking } = await rerank(model, { query: '试用期最长多久', documents: ['劳动合同期限三个月以上…', '工资支付…'] });
 * ranking[0]; // { index: 0, score: 0.93 }
 */
export interface RerankingModel {
  /** Bumped when this interface changes incompatibly, so adapters written for an older one fail to type-check. */
  readonly specificationVersion: 'v1';
  /** Which adapter: 'http', 'transformers'. Named in every error. */
  readonly provider: string;
  /** The model as the adapter knows it (API model name, model folder). Recorded in hits and run files. */
  readonly modelId: string;
  /** Most documents one `doRerank` call accepts; `rerank` never sends more. At least 1. */
  readonly maxDocumentsPerCall: number;
  /**
   * Scores at most `maxDocumentsPerCall` documents against `query`: one `{ index, score }` per
   * document, `index` being its position in `documents`, in any order; higher is more relevant.
   * Scores must not depend on the other documents of the call (pointwise, as cross-encoders are),
   * because `rerank` merges batches by score. Adapters throw `HangjiaError` (`E_PROVIDER_*`,
   * `E_MODEL_LOAD`) and stop when `abortSignal` fires. `usage.tokens` is what the backend reports.
   */
  doRerank(options: { query: string; documents: string[]; abortSignal?: AbortSignal }): Promise<{
    ranking: Array<{ index: number; score: number }>;
    usage?: { tokens: number };
  }>;
}
