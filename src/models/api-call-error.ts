import { HangjiaError } from '../errors/index.js';

/**
 * Statuses where the same request may succeed later: request timeout, conflict, rate limit and
 * server errors. Mirrors the Vercel AI SDK's `APICallError.isRetryable`
 * (packages/provider/src/errors/api-call-error.ts).
 */
export function isRetryableStatusCode(statusCode: number): boolean {
  return statusCode === 408 || statusCode === 409 || statusCode === 429 || statusCode >= 500;
}

/** Longest part of a response body kept in an error: enough to read the server's complaint. */
const RESPONSE_BODY_EXCERPT_LENGTH = 500;

/** The start of a response body, for error messages and details. */
export function excerptResponseBody(responseBody: string): string {
  return responseBody.length <= RESPONSE_BODY_EXCERPT_LENGTH
    ? responseBody
    : `${responseBody.slice(0, RESPONSE_BODY_EXCERPT_LENGTH)}… (${responseBody.length} characters)`;
}

export interface ApiCallErrorOptions {
  provider: string;
  modelId: string;
  url: string;
  statusCode: number;
  responseBody: string;
  /** Attempts made, retries included. */
  attempts?: number;
}

/**
 * The error for an HTTP response with a non-2xx status: `E_PROVIDER_AUTH` for 401/403 (with both
 * ways to supply a key), otherwise `E_PROVIDER_HTTP`. `details` keeps provider, model, URL, status
 * and a response body excerpt; `isRetryable` follows `isRetryableStatusCode`.
 */
export function createApiCallError(options: ApiCallErrorOptions): HangjiaError {
  const { provider, modelId, url, statusCode, responseBody, attempts } = options;
  const excerpt = excerptResponseBody(responseBody);
  const details = { provider, modelId, url, statusCode, responseBody: excerpt, attempts };
  if (statusCode === 401 || statusCode === 403) {
    return new HangjiaError(
      'E_PROVIDER_AUTH',
      `${provider} endpoint ${url} rejected the request for model "${modelId}" with HTTP ${statusCode}: ${excerpt}\n` +
        'Supply an API key with the --api-key flag or the HANGJIA_API_KEY environment variable, and check that it is valid for this endpoint. ' +
        '(Local endpoints such as Ollama or vLLM may need no key at all.)',
      { details },
    );
  }
  const isRetryable = isRetryableStatusCode(statusCode);
  const tried = attempts !== undefined && attempts > 1 ? ` after ${attempts} attempts` : '';
  return new HangjiaError(
    'E_PROVIDER_HTTP',
    `${provider} endpoint ${url} answered HTTP ${statusCode}${tried} for model "${modelId}": ${excerpt}` +
      (isRetryable ? '\nThe server may be overloaded or rate-limiting; trying again later can help.' : ''),
    { details, isRetryable },
  );
}
