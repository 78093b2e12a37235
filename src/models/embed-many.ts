import type { EmbeddingModel } from './embedding-model.js';
import { createEmbeddingDimensionsError } from './embedding-dimensions-error.js';
import { HangjiaError } from '../errors/index.js';

/** Progress after each batch: texts embedded so far out of the total. */
export interface EmbedProgress {
  completed: number;
  total: number;
}

export interface EmbedManyOptions {
  /** Stops between batches and is passed to the adapter to stop the batch in flight. */
  abortSignal?: AbortSignal;
  /** Called after every batch, in order; the last call has `completed === total`. */
  onProgress?: (progress: EmbedProgress) => void;
}

export interface EmbedManyResult {
  /** One vector per input value, in input order, all of the same length. */
  embeddings: Float32Array[];
  /** Tokens the backend reported, summed over batches (0 when it reports none). */
  usage: { tokens: number };
}

/**
 * Embeds any number of texts with `model`, splitting them into batches of
 * `model.maxEmbeddingsPerCall` and sending them one batch at a time (local models run one context;
 * endpoints get back-pressure for free).
 *
 * Every vector is checked against `model.dimensions` when the model declares it, and against the
 * first vector otherwise, so an index never mixes lengths. Throws `E_EMBEDDING_DIMENSIONS` on a
 * mismatch, `E_PROVIDER_RESPONSE` when a batch comes back with the wrong number of vectors, and
 * whatever the adapter throws (`E_PROVIDER_*`, `E_MODEL_LOAD`).
 *
 * @example
 * const { embeddings } = await embedMany(model, chunks.map((chunk) => chunk.text), {
 *   onProgress: ({ completed, total }) => logger.info(`embedded ${completed}/${total}`),
 * });
 */
export async function embedMany(
  model: EmbeddingModel,
  values: readonly string[],
  options: EmbedManyOptions = {},
): Promise<EmbedManyResult> {
  const { abortSignal, onProgress } = options;
  const batchSize = Math.max(1, Math.floor(model.maxEmbeddingsPerCall));
  const embeddings: Float32Array[] = [];
  let tokens = 0;
  for (let start = 0; start < values.length; start += batchSize) {
    abortSignal?.throwIfAborted();
    const batch = values.slice(start, start + batchSize);
    const result = await model.doEmbed(abortSignal === undefined ? { values: batch } : { values: batch, abortSignal });
    if (result.embeddings.length !== batch.length) {
      throw new HangjiaError(
        'E_PROVIDER_RESPONSE',
        `${model.provider} model "${model.modelId}" returned ${result.embeddings.length} vectors for ${batch.length} texts (inputs ${start}–${start + batch.length - 1}). ` +
          'The endpoint may cap its batch size: lower maxEmbeddingsPerCall.',
        { details: { provider: model.provider, modelId: model.modelId, expected: batch.length, got: result.embeddings.length } },
      );
    }
    for (const [offset, vector] of result.embeddings.entries()) {
      // Read `dimensions` per batch: local adapters only know it after loading the model.
      const expected = model.dimensions ?? embeddings[0]?.length ?? vector.length;
      if (vector.length !== expected) {
        throw createEmbeddingDimensionsError({
          provider: model.provider,
          modelId: model.modelId,
          expected,
          got: vector.length,
          index: start + offset,
        });
      }
      embeddings.push(Float32Array.from(vector));
    }
    tokens += result.usage?.tokens ?? 0;
    onProgress?.({ completed: embeddings.length, total: values.length });
  }
  return { embeddings, usage: { tokens } };
}
