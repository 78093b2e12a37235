/**
 * The embedding model specification that every provider adapter implements.
 *
 * Adapters declare their limits; `embedMany` (this folder) does the batching so that no adapter
 * has to. The `do` prefix marks the adapter method so it is not mistaken for user API: call
 * `embedMany(model, texts)` instead.
 */
export interface EmbeddingModel {
  readonly specificationVersion: 'v1';
  /** e.g. 'openai-compatible', 'llama-cpp', 'transformers'. */
  readonly provider: string;
  readonly modelId: string;
  /** Most texts one `doEmbed` call accepts. */
  readonly maxEmbeddingsPerCall: number;
  /** Vector length, when known before the first call (checked against what comes back). */
  readonly dimensions?: number;
  doEmbed(options: { values: string[]; abortSignal?: AbortSignal }): Promise<{
    embeddings: number[][];
    usage?: { tokens: number };
  }>;
}
