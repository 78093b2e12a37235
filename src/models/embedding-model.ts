/**
 * The embedding model specification that every provider adapter implements.
 *
 * Adapters declare their limits; `embedMany` (this folder) does the batching, dimension checks and
 * progress so that no adapter has to. The `do` prefix marks the adapter method so it is not
 * mistaken for user API: call `embedMany(model, texts)` instead of `model.doEmbed(…)`.
 *
 * Implementations: `providers/openai-compatible`, `providers/llama-cpp`, `providers/transformers`;
 * each runs the shared suite in `test/conformance/embedding-model.case.ts`.
 *
 * @example
 * const { embeddings } = await embedMany(model, ['劳动合同试用期最长多久', '试用期工资']);
 */
export interface EmbeddingModel {
  /** Bumped when this interface changes incompatibly, so adapters written for an older one fail to type-check. */
  readonly specificationVersion: 'v1';
  /** Which adapter: 'openai-compatible', 'llama-cpp', 'transformers'. Named in every error. */
  readonly provider: string;
  /** The model as the adapter knows it (API model name, GGUF path, model folder). Recorded in indexes. */
  readonly modelId: string;
  /** Most texts one `doEmbed` call accepts; `embedMany` never sends more. At least 1. */
  readonly maxEmbeddingsPerCall: number;
  /**
   * Vector length, when known before the first call. Local adapters may only know it once the model
   * is loaded, so this may be a getter that becomes defined later. `embedMany` checks every vector
   * against it (and against each other when it is undefined).
   */
  readonly dimensions?: number;
  /**
   * Embeds at most `maxEmbeddingsPerCall` texts, returning one vector per text in input order.
   * Adapters throw `HangjiaError` (`E_PROVIDER_*`, `E_MODEL_LOAD`) and stop when `abortSignal` fires.
   * `usage.tokens` is what the backend reports, when it reports anything.
   */
  doEmbed(options: { values: string[]; abortSignal?: AbortSignal }): Promise<{
    embeddings: number[][];
    usage?: { tokens: number };
  }>;
}
