import { HangjiaError } from '../errors/index.js';

export interface ProviderConnectionErrorOptions {
  provider: string;
  modelId: string;
  url: string;
  cause: unknown;
  attempts?: number;
}

/**
 * The error for a request that got no HTTP response (refused, reset, DNS failure): code
 * `E_PROVIDER_UNREACHABLE`, always retryable. The system error code (`ECONNREFUSED`, …) is in
 * `details.systemCode` when Node reports one.
 */
export function createProviderUnreachableError(options: ProviderConnectionErrorOptions): HangjiaError {
  const { provider, modelId, url, cause, attempts } = options;
  const systemCode = findSystemErrorCode(cause);
  return new HangjiaError(
    'E_PROVIDER_UNREACHABLE',
    `Could not reach the ${provider} endpoint ${url} for model "${modelId}"${systemCode === undefined ? '' : ` (${systemCode})`}. ` +
      'Check that the server is running and that the base URL (scheme, host, port and path such as /v1) is right.',
    { cause, isRetryable: true, details: { provider, modelId, url, systemCode, attempts } },
  );
}

/** The error for a request that took longer than its timeout: code `E_PROVIDER_TIMEOUT`, retryable. */
export function createProviderTimeoutError(options: ProviderConnectionErrorOptions & { timeoutMs: number }): HangjiaError {
  const { provider, modelId, url, cause, attempts, timeoutMs } = options;
  return new HangjiaError(
    'E_PROVIDER_TIMEOUT',
    `The ${provider} endpoint ${url} did not answer within ${timeoutMs} ms for model "${modelId}". ` +
      'Raise the timeout, send smaller batches, or check the server load.',
    { cause, isRetryable: true, details: { provider, modelId, url, timeoutMs, attempts } },
  );
}

/** Node's fetch wraps socket errors: `TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } })`. */
function findSystemErrorCode(error: unknown): string | undefined {
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
