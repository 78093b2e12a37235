import { HangjiaError } from '../errors/index.js';

/**
 * The error for a vector whose length differs from the declared or first-seen one: code
 * `E_EMBEDDING_DIMENSIONS`. Mixing lengths would corrupt an index, so this is never retried.
 */
export function createEmbeddingDimensionsError(options: {
  provider: string;
  modelId: string;
  expected: number;
  got: number;
  /** Position of the offending text in the input. */
  index: number;
}): HangjiaError {
  const { provider, modelId, expected, got, index } = options;
  return new HangjiaError(
    'E_EMBEDDING_DIMENSIONS',
    `${provider} model "${modelId}" returned a vector of ${got} dimensions for input ${index}; expected ${expected}. ` +
      'Check the configured dimensions, or that the endpoint serves the model you asked for; an index built with another model must be rebuilt.',
    { details: { provider, modelId, expected, got, index } },
  );
}
