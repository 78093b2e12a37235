import { HangjiaError } from '../errors/index.js';

/**
 * The error for a prompt that does not fit the model's context window: code `E_CONTEXT_OVERFLOW`,
 * not retryable. `details` carries what each side knows: token counts from local models, the
 * server's complaint from endpoints.
 */
export function createContextOverflowError(options: {
  provider: string;
  modelId: string;
  contextSize?: number;
  promptTokens?: number;
  maxTokens?: number;
  /** The endpoint's own message, when it came from an HTTP 400. */
  responseBody?: string;
  url?: string;
}): HangjiaError {
  const { provider, modelId, contextSize, promptTokens, maxTokens, responseBody, url } = options;
  const measured =
    promptTokens !== undefined && contextSize !== undefined
      ? `the prompt is ${promptTokens} tokens${maxTokens === undefined ? '' : ` plus ${maxTokens} to generate`}, the context holds ${contextSize}`
      : `the endpoint said: ${responseBody ?? '(no details)'}`;
  return new HangjiaError(
    'E_CONTEXT_OVERFLOW',
    `The prompt does not fit the context window of ${provider} model "${modelId}": ${measured}. ` +
      'Send fewer or shorter passages (lower search.k), lower maxTokens, or use a larger contextSize / a longer-context model.',
    { details: { provider, modelId, contextSize, promptTokens, maxTokens, responseBody, url } },
  );
}
