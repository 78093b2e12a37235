import { HangjiaError } from '../errors/index.js';
import { excerptResponseBody } from './api-call-error.js';

export interface ProviderResponseErrorOptions {
  provider: string;
  modelId: string;
  url: string;
  /** What was wrong, e.g. 'the body is not JSON' or 'data[2].embedding is not an array of numbers'. */
  problem: string;
  responseBody?: string;
  cause?: unknown;
  /** How to fix it. Default: the embedding endpoint advice. */
  hint?: string;
}

/**
 * The error for a 2xx response whose body is not what the API promises: code `E_PROVIDER_RESPONSE`,
 * not retryable (the same request will most likely get the same answer).
 */
export function createProviderResponseError(options: ProviderResponseErrorOptions): HangjiaError {
  const {
    provider,
    modelId,
    url,
    problem,
    responseBody,
    cause,
    hint = 'Check that the endpoint is OpenAI-compatible and that the model is an embedding model.',
  } = options;
  const excerpt = responseBody === undefined ? undefined : excerptResponseBody(responseBody);
  return new HangjiaError(
    'E_PROVIDER_RESPONSE',
    `The ${provider} endpoint ${url} answered for model "${modelId}", but ${problem}.` +
      (excerpt === undefined ? '' : ` Response body: ${excerpt}`) +
      ` ${hint}`,
    { cause, details: { provider, modelId, url, problem, responseBody: excerpt } },
  );
}
