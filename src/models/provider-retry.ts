import { HangjiaError } from '../errors/index.js';

/**
 * One failed attempt that a provider adapter is about to retry: which attempt failed, of how
 * many it will make, why (the retryable error), and how long it waits before the next. Callers
 * show it (the CLI prints one line per retry on stderr) so a slow endpoint never blocks silently.
 */
export interface ProviderRetry {
  /** 1-based number of the attempt that just failed. */
  attempt: number;
  maxAttempts: number;
  error: HangjiaError;
  waitMs: number;
}

/**
 * The error an adapter gives up with after `attempts` tries over `elapsedMs`: the last attempt's
 * error, its message ending with the totals (`gave up after 3 attempts in 61.4 s`), so that a
 * 20-second timeout is not mistaken for the whole wait. A first-attempt error is returned as is.
 */
export function withRetryTotals(error: HangjiaError, attempts: number, elapsedMs: number): HangjiaError {
  if (attempts <= 1) return error;
  return new HangjiaError(error.code, `${error.message} Gave up after ${attempts} attempts in ${(elapsedMs / 1000).toFixed(1)} s.`, {
    details: { ...error.details, attempts, elapsedMs: Math.round(elapsedMs) },
    cause: error.cause,
    isRetryable: error.isRetryable,
  });
}
