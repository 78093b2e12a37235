import { HangjiaError } from '../../errors/index.js';

/**
 * What went wrong in a download, in `details.failure` of its `E_MODEL_DOWNLOAD` error, so that a
 * caller (the CLI) can say how to go on in its own terms:
 *
 * - `unreachable`: no response headers: refused, DNS, or none within the connect timeout
 *   (`details.reason`, e.g. `ECONNREFUSED` or `timed out: …`). Retryable.
 * - `http-status`: the server answered with an error status (`details.status`).
 * - `redirect-loop`: more redirects than a browser would follow (`details.location`).
 * - `broken-off`: the body stopped: connection lost, or no data within the stall timeout
 *   (`details.reason`). `details.partialPath` keeps what arrived; downloading again resumes. Retryable.
 * - `incomplete`: the body ended before its Content-Length. Resumable, like `broken-off`.
 * - `mismatched-part`: the `.part` file is longer than the file on the server (left from another
 *   file or version); it was removed, so downloading again starts from the beginning. Retryable.
 * - `write`: the `.part` file could not be written (`details.reason`, e.g. `ENOSPC`).
 */
export type ModelDownloadFailure = 'unreachable' | 'http-status' | 'redirect-loop' | 'broken-off' | 'incomplete' | 'mismatched-part' | 'write';

export function createUnreachableError(url: string, reason: string, cause: unknown): HangjiaError {
  return new HangjiaError('E_MODEL_DOWNLOAD', `Cannot download the model from ${url} (${reason}): this machine seems to be offline or cannot reach the server.`, {
    details: { failure: 'unreachable', url, reason },
    cause,
    isRetryable: true,
  });
}

export function createHttpStatusError(url: string, status: number): HangjiaError {
  const isRetryable = status >= 500 || status === 429;
  return new HangjiaError('E_MODEL_DOWNLOAD', `Downloading ${url} failed with HTTP ${status}. ${isRetryable ? 'Try again later, or' : 'Check the URL, or'} download from a mirror.`, {
    details: { failure: 'http-status', url, status },
    isRetryable,
  });
}

export function createRedirectLoopError(url: string, location: string, maxRedirects: number): HangjiaError {
  return new HangjiaError('E_MODEL_DOWNLOAD', `Downloading ${url} was redirected more than ${maxRedirects} times (last to ${location}). Download from a mirror.`, {
    details: { failure: 'redirect-loop', url, location, maxRedirects },
  });
}

export function createBrokenOffError(input: { url: string; bytes: number; partialPath: string; reason: string; cause: unknown }): HangjiaError {
  const { url, bytes, partialPath, reason, cause } = input;
  return new HangjiaError('E_MODEL_DOWNLOAD', `The download of ${url} broke off at ${bytes} bytes (${reason}). ${partialPath} keeps what arrived: download to the same destination again to resume.`, {
    details: { failure: 'broken-off', url, bytes, partialPath, reason },
    cause,
    isRetryable: true,
  });
}

export function createIncompleteError(input: { url: string; bytes: number; expectedBytes: number; partialPath: string }): HangjiaError {
  const { url, bytes, expectedBytes, partialPath } = input;
  return new HangjiaError('E_MODEL_DOWNLOAD', `The download of ${url} ended at ${bytes} of ${expectedBytes} bytes. ${partialPath} keeps what arrived: download to the same destination again to resume.`, {
    details: { failure: 'incomplete', url, bytes, expectedBytes, partialPath },
    isRetryable: true,
  });
}

export function createMismatchedPartError(input: { url: string; partialPath: string; partBytes: number; fileBytes: number }): HangjiaError {
  const { url, partialPath, partBytes, fileBytes } = input;
  return new HangjiaError(
    'E_MODEL_DOWNLOAD',
    `${partialPath} holds ${partBytes} bytes, but ${url} is ${fileBytes} bytes: the partial file is not of this file, so it was removed. Download again to start from the beginning.`,
    { details: { failure: 'mismatched-part', url, partialPath, partBytes, fileBytes }, isRetryable: true },
  );
}

export function createWriteError(input: { url: string; partialPath: string; cause: unknown }): HangjiaError {
  const { url, partialPath, cause } = input;
  const reason = causeReason(cause) ?? 'write failed';
  return new HangjiaError('E_MODEL_DOWNLOAD', `Cannot write ${partialPath} (${reason}) while downloading ${url}. Free disk space or choose another destination.`, {
    details: { failure: 'write', url, partialPath, path: partialPath, reason },
    cause,
  });
}

/**
 * Why a connection or a write failed, in a few words: the first string `code` in the cause chain
 * (Node's fetch wraps socket errors: `TypeError('fetch failed', { cause: { code: 'ECONNREFUSED' } })`),
 * or for undici's own errors (`UND_ERR_SOCKET`, …) their message, which reads better ("other side
 * closed"). Undefined when the chain has no code.
 */
export function causeReason(error: unknown): string | undefined {
  for (let current = error, depth = 0; current !== undefined && current !== null && depth < 5; depth++) {
    // A DOMException has a numeric `code` too (23 for a timeout): only string codes name a reason.
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string') return code.startsWith('UND_ERR') && typeof message === 'string' && message !== '' ? message : code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
