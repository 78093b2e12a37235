/**
 * The retrying JSON POST shared by HTTP adapters (embeddings now, chat later). Private to
 * `providers/`: adapters call it, users never do.
 *
 * Per attempt: a fresh timeout (`timeoutMs`, covering the body too) joined with the caller's abort
 * signal. Retried: network failures, timeouts and retryable statuses (408, 409, 429, 5xx), up to
 * `maxRetries` times. The wait before a retry is the server's `retry-after-ms` or `Retry-After`
 * (seconds or an HTTP date) when it is between 0 and 60 s, as in the Vercel AI SDK's
 * `packages/ai/src/util/retry-with-exponential-backoff.ts`; otherwise exponential backoff
 * (500 ms, 1 s, 2 s, …) with "equal jitter" (half fixed, half random) so that many clients
 * rejected at once do not return in lockstep
 * (https://aws.amazon.com/blogs/architecture/exponential-backoff-and-jitter/).
 */
import type { HangjiaError } from '../errors/index.js';
import {
  createApiCallError,
  createProviderResponseError,
  createProviderTimeoutError,
  createProviderUnreachableError,
  withRetryTotals,
  type ProviderRetry,
} from '../models/index.js';

export interface PostJsonOptions {
  url: string;
  body: unknown;
  headers: Record<string, string>;
  /** Named in errors. */
  provider: string;
  modelId: string;
  fetch: typeof globalThis.fetch;
  timeoutMs: number;
  maxRetries: number;
  abortSignal?: AbortSignal;
  /** Injected in tests; `Math.random` otherwise. */
  random?: () => number;
  /** How to fix a 2xx body that is not JSON; default: the embedding advice of `createProviderResponseError`. */
  responseErrorHint?: string;
  /** Called before each wait for a retry, so callers can show it (a hung endpoint must not block silently). */
  onRetry?: (retry: ProviderRetry) => void;
}

export interface PostJsonResult {
  /** The parsed JSON body; callers validate its shape. */
  value: unknown;
  /** The raw body, for error messages about an unexpected shape. */
  responseBody: string;
  responseHeaders: Headers;
}

const INITIAL_RETRY_DELAY_MS = 500;
const MAX_RETRY_AFTER_MS = 60_000;

export async function postJson(options: PostJsonOptions): Promise<PostJsonResult> {
  const started = performance.now();
  for (let attempt = 1; ; attempt++) {
    const outcome = await attemptPost(options, attempt);
    if (!('error' in outcome)) return outcome;
    await waitToRetry(options, attempt, outcome, started);
  }
}

/**
 * After a failed attempt: throws the error (with the totals, see `withRetryTotals`) when it is not
 * retryable or the retries are spent; otherwise reports the retry and waits for it.
 */
export async function waitToRetry(options: PostJsonOptions, attempt: number, outcome: { error: HangjiaError; retryAfterMs?: number }, started: number): Promise<void> {
  if (!outcome.error.isRetryable || attempt > options.maxRetries) throw withRetryTotals(outcome.error, attempt, performance.now() - started);
  const waitMs = outcome.retryAfterMs ?? backoffDelayMs(attempt, options.random ?? Math.random);
  options.onRetry?.({ attempt, maxAttempts: options.maxRetries + 1, error: outcome.error, waitMs });
  await sleep(waitMs, options.abortSignal);
}

/** Exponential backoff with equal jitter before retry number `attempt` (1-based): 250–500 ms, 500–1000 ms, … */
function backoffDelayMs(attempt: number, random: () => number): number {
  return INITIAL_RETRY_DELAY_MS * 2 ** (attempt - 1) * (0.5 + random() / 2);
}

type AttemptOutcome = PostJsonResult | { error: HangjiaError; retryAfterMs?: number };

async function attemptPost(options: PostJsonOptions, attempt: number): Promise<AttemptOutcome> {
  const { url, provider, modelId, timeoutMs, abortSignal } = options;
  const timeoutSignal = AbortSignal.timeout(timeoutMs);
  const signal = abortSignal === undefined ? timeoutSignal : AbortSignal.any([abortSignal, timeoutSignal]);
  let response: Response;
  let responseBody: string;
  try {
    response = await options.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...options.headers },
      body: JSON.stringify(options.body),
      signal,
    });
    responseBody = await response.text();
  } catch (cause) {
    // The caller's abort is not a provider failure: surface their reason unchanged.
    if (abortSignal?.aborted === true) throw abortSignal.reason;
    const context = { provider, modelId, url, cause, attempts: attempt };
    if (timeoutSignal.aborted) return { error: createProviderTimeoutError({ ...context, timeoutMs }) };
    return { error: createProviderUnreachableError(context) };
  }
  if (!response.ok) {
    const error = createApiCallError({ provider, modelId, url, statusCode: response.status, responseBody, attempts: attempt });
    const retryAfterMs = parseRetryAfter(response.headers);
    return retryAfterMs === undefined ? { error } : { error, retryAfterMs };
  }
  try {
    return { value: JSON.parse(responseBody) as unknown, responseBody, responseHeaders: response.headers };
  } catch (cause) {
    const problem = 'the body is not valid JSON';
    const hint = options.responseErrorHint;
    return { error: createProviderResponseError({ provider, modelId, url, problem, responseBody, cause, ...(hint === undefined ? {} : { hint }) }) };
  }
}

/** `retry-after-ms` (OpenAI, Azure) or `Retry-After` in seconds or as an HTTP date; undefined when absent or out of range. */
export function parseRetryAfter(headers: Headers): number | undefined {
  const milliseconds = headers.get('retry-after-ms');
  let delayMs = milliseconds === null ? Number.NaN : Number.parseFloat(milliseconds);
  const retryAfter = headers.get('retry-after');
  if (Number.isNaN(delayMs) && retryAfter !== null) {
    const seconds = Number(retryAfter);
    delayMs = Number.isNaN(seconds) ? Date.parse(retryAfter) - Date.now() : seconds * 1000;
  }
  return delayMs >= 0 && delayMs <= MAX_RETRY_AFTER_MS ? delayMs : undefined;
}

/** Waits, or rejects with the abort reason as soon as `abortSignal` fires. */
export function sleep(milliseconds: number, abortSignal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    abortSignal?.throwIfAborted();
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortSignal?.reason);
    };
    const timer = setTimeout(() => {
      abortSignal?.removeEventListener('abort', onAbort);
      resolve();
    }, milliseconds);
    abortSignal?.addEventListener('abort', onAbort, { once: true });
  });
}
