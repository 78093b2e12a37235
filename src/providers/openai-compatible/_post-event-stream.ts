/**
 * POST a JSON body and read the answer as server-sent events, for streamed chat completions.
 *
 * Retries like `postJson` (network failures, timeouts, 408/409/429/5xx, honouring Retry-After),
 * but only until the first body bytes arrive: after that a retry would repeat text the caller has
 * already shown. Two clocks: `timeoutMs` from sending until the first bytes (connection, queueing,
 * prompt processing), then `idleTimeoutMs` between chunks, so a long answer that keeps flowing is
 * never cut while a stalled one is.
 *
 * Event framing per the WHATWG HTML "server-sent events" section: lines end in CR, LF or CRLF;
 * `data:` lines accumulate (joined by LF) until a blank line dispatches the event; lines starting
 * with ':' are comments (keep-alives). Only `data` matters to OpenAI-compatible APIs.
 */
import { HangjiaError } from '../../errors/index.js';
import { createApiCallError, createProviderTimeoutError, createProviderUnreachableError, createStreamInterruptedError } from '../../models/index.js';
import { parseRetryAfter, waitToRetry, type PostJsonOptions } from '../_post-json.js';

export interface PostEventStreamOptions extends PostJsonOptions {
  /** Longest silence allowed between chunks once the stream has started. */
  idleTimeoutMs: number;
}

/**
 * Resolves once the first body bytes arrived, with the `data` payloads of the events in order.
 * Rejects (after retries) with `E_PROVIDER_HTTP`/`E_PROVIDER_AUTH` (details keep status and body),
 * `E_PROVIDER_UNREACHABLE`, `E_PROVIDER_TIMEOUT`, or the caller's abort reason. The iteration
 * throws `E_PROVIDER_TIMEOUT` (idle), `E_PROVIDER_STREAM` (connection lost) or the abort reason.
 */
export async function postEventStream(options: PostEventStreamOptions): Promise<AsyncGenerator<string, void, undefined>> {
  const started = performance.now();
  for (let attempt = 1; ; attempt++) {
    const outcome = await attemptOpen(options, attempt);
    if (!('error' in outcome)) return readEvents(options, outcome);
    await waitToRetry(options, attempt, outcome, started);
  }
}

interface OpenStream {
  reader: ReadableStreamDefaultReader<Uint8Array>;
  firstChunk: Uint8Array | undefined;
  controller: AbortController;
}

async function attemptOpen(options: PostEventStreamOptions, attempt: number): Promise<OpenStream | { error: HangjiaError; retryAfterMs?: number }> {
  const { url, provider, modelId, timeoutMs, abortSignal } = options;
  const controller = new AbortController();
  const signal = abortSignal === undefined ? controller.signal : AbortSignal.any([abortSignal, controller.signal]);
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort(new Error(`no response within ${timeoutMs} ms`));
  }, timeoutMs);
  try {
    const response = await options.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...options.headers },
      body: JSON.stringify(options.body),
      signal,
    });
    if (!response.ok) {
      const responseBody = await response.text();
      const error = createApiCallError({ provider, modelId, url, statusCode: response.status, responseBody, attempts: attempt });
      const retryAfterMs = parseRetryAfter(response.headers);
      return retryAfterMs === undefined ? { error } : { error, retryAfterMs };
    }
    if (response.body === null) return { error: createStreamInterruptedError({ provider, modelId, url, receivedCharacters: 0 }) };
    const reader = response.body.getReader();
    const first = await reader.read();
    return { reader, firstChunk: first.done ? undefined : first.value, controller };
  } catch (cause) {
    if (abortSignal?.aborted === true) throw abortSignal.reason;
    const context = { provider, modelId, url, cause, attempts: attempt };
    if (timedOut) return { error: createProviderTimeoutError({ ...context, timeoutMs }) };
    return { error: createProviderUnreachableError(context) };
  } finally {
    clearTimeout(timer);
  }
}

async function* readEvents(options: PostEventStreamOptions, open: OpenStream): AsyncGenerator<string, void, undefined> {
  const { url, provider, modelId, idleTimeoutMs, abortSignal } = options;
  const { reader, controller } = open;
  const decoder = new TextDecoder();
  let pending = '';
  let dataLines: string[] = [];
  let receivedCharacters = 0;
  let chunk = open.firstChunk;
  try {
    while (chunk !== undefined) {
      const text = decoder.decode(chunk, { stream: true });
      receivedCharacters += text.length;
      pending += text;
      const lines = pending.split(/\r\n|\r|\n/);
      // The last piece may be half a line (or a CR whose LF is in the next chunk): keep it.
      pending = lines.pop() ?? '';
      for (const line of lines) {
        if (line === '') {
          if (dataLines.length > 0) yield dataLines.join('\n');
          dataLines = [];
        } else if (line.startsWith('data:')) {
          dataLines.push(line.slice(line.startsWith('data: ') ? 6 : 5));
        }
      }
      chunk = await readWithin(reader, controller, idleTimeoutMs).catch((cause: unknown) => {
        if (abortSignal?.aborted === true) throw abortSignal.reason;
        if (cause instanceof IdleTimeout) throw createProviderTimeoutError({ provider, modelId, url, cause, timeoutMs: idleTimeoutMs });
        throw createStreamInterruptedError({ provider, modelId, url, receivedCharacters, cause });
      });
    }
    // A last event without its blank line still counts (some servers end the body right after it).
    if (pending.startsWith('data:')) dataLines.push(pending.slice(pending.startsWith('data: ') ? 6 : 5));
    if (dataLines.length > 0) yield dataLines.join('\n');
  } finally {
    controller.abort();
  }
}

class IdleTimeout extends Error {}

async function readWithin(
  reader: ReadableStreamDefaultReader<Uint8Array>,
  controller: AbortController,
  idleTimeoutMs: number,
): Promise<Uint8Array | undefined> {
  const timer = setTimeout(() => controller.abort(new IdleTimeout(`no data for ${idleTimeoutMs} ms`)), idleTimeoutMs);
  try {
    const { done, value } = await reader.read();
    return done ? undefined : value;
  } catch (cause) {
    throw controller.signal.reason instanceof IdleTimeout ? controller.signal.reason : cause;
  } finally {
    clearTimeout(timer);
  }
}
