import { HangjiaError } from '../errors/index.js';

/**
 * The error for a streamed response that broke off after it started (connection reset, server
 * crash, a proxy cutting long responses): code `E_PROVIDER_STREAM`, retryable. The text received
 * before the break is kept by the caller; `details.receivedCharacters` says how much there was.
 */
export function createStreamInterruptedError(options: {
  provider: string;
  modelId: string;
  url: string;
  receivedCharacters: number;
  cause?: unknown;
}): HangjiaError {
  const { provider, modelId, url, receivedCharacters, cause } = options;
  return new HangjiaError(
    'E_PROVIDER_STREAM',
    `The ${provider} stream from ${url} for model "${modelId}" broke off after ${receivedCharacters} characters${cause === undefined ? '' : ` (${String(cause)})`}. ` +
      'The text so far is kept and marked incomplete; the server may have restarted or a proxy may cut long responses. Trying again can help.',
    { cause, isRetryable: true, details: { provider, modelId, url, receivedCharacters } },
  );
}
