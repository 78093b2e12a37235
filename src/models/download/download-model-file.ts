import { createHash } from 'node:crypto';
import { once } from 'node:events';
import fs from 'node:fs';
import path from 'node:path';
import { finished } from 'node:stream/promises';
import { HangjiaError } from '../../errors/index.js';
import { checkSha256, type Sha256Check } from './_check-sha256.js';
import { fetchFollowingRedirects } from './_fetch-following-redirects.js';
import { hashFilePrefix } from './_hash-file.js';
import { parseSha256Option, type ExpectedSha256 } from './expected-sha256.js';
import { createBrokenOffError, createHttpStatusError, createIncompleteError, createMismatchedPartError, createUnreachableError, createWriteError, causeReason } from './model-download-error.js';

/** The defaults of {@link DownloadModelFileOptions}, in one place. */
export const MODEL_DOWNLOAD_DEFAULTS = {
  /** Fail fast offline: no response headers within this time (redirects included) means no usable connection. 15 s. */
  connectTimeoutMs: 15_000,
  /** A body that delivers no byte for this long is broken off (and can be resumed). Re-armed on every chunk, so a slow but steady download never hits it. 60 s. */
  stallTimeoutMs: 60_000,
  /** As browsers and undici: more hops than this is a redirect loop. 20. */
  maxRedirects: 20,
} as const;

export interface DownloadModelFileOptions {
  /** Expected SHA-256 of the whole file, 64 hex digits in either case. Replaces any digest the server states. */
  sha256?: string;
  /** Milliseconds until the response headers arrive, redirects included. Default 15 000. */
  connectTimeoutMs?: number;
  /** Milliseconds the body may go without data before the download is broken off. Default 60 000. */
  stallTimeoutMs?: number;
  /** Stops the download with the signal's reason; the `.part` file keeps what arrived, so a later call resumes. */
  signal?: AbortSignal;
  /** Called as the download goes: before the request, when the headers arrive, and on every chunk. */
  onProgress?: (progress: ModelDownloadProgress) => void;
}

/** What {@link DownloadModelFileOptions.onProgress} hears, in this order. */
export type ModelDownloadProgress =
  /** Before the first request; `resumeFrom` > 0 when a `.part` file is there to resume (asked for with a Range request). */
  | { type: 'download-start'; url: string; partialPath: string; resumeFrom: number }
  /**
   * The headers arrived. `expectedSha256` is what the file will be checked against (the `sha256`
   * option, else `serverSha256`); `serverSha256` is the digest the server stated, if any, so a
   * caller can warn when it differs from the option's.
   */
  | { type: 'response-start'; status: number; expectedSha256: ExpectedSha256 | undefined; serverSha256: ExpectedSha256 | undefined }
  /** After each chunk: `bytes` so far, resumed part included; `totalBytes` from Content-Length, undefined when the server sent none. */
  | { type: 'download-progress'; bytes: number; totalBytes: number | undefined };

export interface DownloadModelFileResult extends Sha256Check {
  /** The destination, now holding the complete (and, when a digest was known, verified) file. */
  path: string;
  /** Size of the file. */
  bytes: number;
  /** Bytes that were already in the `.part` file and not downloaded again; 0 for a fresh download (or a server that ignored the Range request). */
  resumedFrom: number;
  /** True when the `.part` file already held the whole file (the server answered 416 to the Range request) and nothing was transferred. */
  completedFromPart: boolean;
}

/**
 * Downloads `url` to `destination`, resumably and verified: bytes go to `<destination>.part`,
 * which a later call continues with an HTTP Range request; once complete, the SHA-256 of the whole
 * file is checked (against the `sha256` option, else a digest the server states in
 * `x-linked-etag` or a SHA-256 ETag; see `sha256FromHeader`) and the file is renamed into place,
 * replacing any file there. On a mismatch the file is moved aside to
 * `<destination>.sha256-mismatch` and `E_MODEL_CHECKSUM` is thrown.
 *
 * Two clocks, never one for the whole request: `connectTimeoutMs` until the headers arrive, then
 * `stallTimeoutMs` between chunks. A single deadline on fetch (`AbortSignal.timeout`) would also
 * cut off every body that takes longer than it, i.e. every real model download.
 *
 * Fails with `E_MODEL_DOWNLOAD`, whose `details.failure` says what went wrong (see
 * `ModelDownloadFailure`), `E_MODEL_CHECKSUM`, `E_USAGE` for a malformed `sha256`, or the
 * signal's reason when the caller aborts. Whatever arrived stays in the `.part` file.
 *
 * @example
 * const result = await downloadModelFile(
 *   'https://huggingface.co/Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/main/qwen2.5-0.5b-instruct-q4_k_m.gguf',
 *   '/models/qwen2.5-0.5b-instruct-q4_k_m.gguf',
 *   { onProgress: (p) => p.type === 'download-progress' && console.error(p.bytes, p.totalBytes) },
 * );
 * result.verified; // true: Hugging Face states the SHA-256 in x-linked-etag
 */
export async function downloadModelFile(url: string, destination: string, options: DownloadModelFileOptions = {}): Promise<DownloadModelFileResult> {
  const { signal: callerSignal, onProgress } = options;
  const connectTimeoutMs = options.connectTimeoutMs ?? MODEL_DOWNLOAD_DEFAULTS.connectTimeoutMs;
  const stallTimeoutMs = options.stallTimeoutMs ?? MODEL_DOWNLOAD_DEFAULTS.stallTimeoutMs;
  const optionSha256 = options.sha256 === undefined ? undefined : parseSha256Option(options.sha256);
  callerSignal?.throwIfAborted();
  const partialPath = `${destination}.part`;
  fs.mkdirSync(path.dirname(destination), { recursive: true });
  const resumeFrom = fs.existsSync(partialPath) ? fs.statSync(partialPath).size : 0;
  onProgress?.({ type: 'download-start', url, partialPath, resumeFrom });

  // The digest covers the whole file: on a resume, the part already on disk is read once (a
  // hash's state cannot be saved between runs), then the new bytes as they arrive. It is read
  // before the request, not after the headers: a body that breaks off while we would be hashing
  // loses what it had queued (a ReadableStream drops its queue when it errors).
  let hash = createHash('sha256');
  if (resumeFrom > 0) await hashFilePrefix(hash, partialPath, resumeFrom, callerSignal);

  // One controller for the whole transfer, with one timer re-armed as it goes: the connect timeout
  // until the headers arrive, then the stall timeout, restarted on every chunk. `timedOut` keeps
  // why our timer fired, so that errors can say "timed out" rather than a bare abort.
  const controller = new AbortController();
  const signal = callerSignal === undefined ? controller.signal : AbortSignal.any([callerSignal, controller.signal]);
  let timedOut: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  const arm = (ms: number, reason: string): void => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timedOut = reason;
      controller.abort(new DOMException(reason, 'TimeoutError'));
    }, ms);
  };
  try {
    arm(connectTimeoutMs, `timed out: no response headers within ${seconds(connectTimeoutMs)}`);
    let opened: Awaited<ReturnType<typeof fetchFollowingRedirects>>;
    try {
      opened = await fetchFollowingRedirects(url, { headers: resumeFrom > 0 ? { range: `bytes=${resumeFrom}-` } : {}, signal, maxRedirects: MODEL_DOWNLOAD_DEFAULTS.maxRedirects });
    } catch (cause) {
      if (callerSignal?.aborted) throw callerSignal.reason;
      if (HangjiaError.is(cause)) throw cause;
      throw createUnreachableError(url, timedOut ?? causeReason(cause) ?? 'no connection', cause);
    } finally {
      clearTimeout(timer);
    }
    const { response, serverSha256 } = opened;
    const expected: ExpectedSha256 | undefined = optionSha256 === undefined ? serverSha256 : { sha256: optionSha256, from: 'sha256 option' };
    onProgress?.({ type: 'response-start', status: response.status, expectedSha256: expected, serverSha256 });

    if (response.status === 416 && resumeFrom > 0) {
      // The partial file is already complete (the last run died before renaming it) — unless the
      // server's size says otherwise: then the part is not of this file, and is thrown away.
      await response.body?.cancel().catch(() => undefined);
      const size = /^bytes \*\/(\d+)$/.exec(response.headers.get('content-range') ?? '')?.[1];
      if (size !== undefined && Number(size) !== resumeFrom) {
        fs.rmSync(partialPath, { force: true });
        throw createMismatchedPartError({ url, partialPath, partBytes: resumeFrom, fileBytes: Number(size) });
      }
      const check = checkSha256({ file: partialPath, destination, actual: hash.digest('hex'), expected, url });
      fs.renameSync(partialPath, destination);
      return { path: destination, bytes: resumeFrom, resumedFrom: resumeFrom, completedFromPart: true, ...check };
    }
    if (response.status !== 200 && response.status !== 206) {
      await response.body?.cancel().catch(() => undefined);
      throw createHttpStatusError(url, response.status);
    }
    // 200 to a Range request: the server ignored it and sends the whole file, so start over.
    const resumed = response.status === 206;
    if (!resumed) hash = createHash('sha256');
    const start = resumed ? resumeFrom : 0;
    const length = Number(response.headers.get('content-length') ?? NaN);
    const totalBytes = Number.isFinite(length) ? start + length : undefined;
    // Nothing is awaited between the headers and the first read, and writes are buffered (awaited
    // only on backpressure), for the same reason as above: take chunks as soon as they arrive.
    const output = fs.createWriteStream(partialPath, { flags: resumed ? 'a' : 'w' });
    let writeError: unknown;
    output.on('error', (error) => {
      writeError ??= error;
    });
    let bytes = start;
    try {
      const stallReason = `timed out: no data for ${seconds(stallTimeoutMs)}`;
      arm(stallTimeoutMs, stallReason);
      for await (const chunk of (response.body ?? []) as AsyncIterable<Uint8Array>) {
        arm(stallTimeoutMs, stallReason);
        if (writeError !== undefined) break;
        hash.update(chunk);
        // `once` rejects if the stream errors instead of draining, or the signal fires meanwhile.
        if (!output.write(chunk)) await once(output, 'drain', { signal });
        bytes += chunk.byteLength;
        onProgress?.({ type: 'download-progress', bytes, totalBytes });
      }
    } catch (cause) {
      if (writeError !== undefined) throw createWriteError({ url, partialPath, cause: writeError });
      if (callerSignal?.aborted) throw callerSignal.reason;
      throw createBrokenOffError({ url, bytes, partialPath, reason: timedOut ?? causeReason(cause) ?? 'connection lost', cause });
    } finally {
      clearTimeout(timer);
      output.end();
      await finished(output).catch((error: unknown) => {
        writeError ??= error;
      });
    }
    if (writeError !== undefined) throw createWriteError({ url, partialPath, cause: writeError });
    if (totalBytes !== undefined && bytes !== totalBytes) throw createIncompleteError({ url, bytes, expectedBytes: totalBytes, partialPath });
    const check = checkSha256({ file: partialPath, destination, actual: hash.digest('hex'), expected, url });
    fs.renameSync(partialPath, destination);
    return { path: destination, bytes, resumedFrom: start, completedFromPart: false, ...check };
  } finally {
    clearTimeout(timer);
    // Releases the connection on every way out (a no-op once the body was read to its end).
    controller.abort();
  }
}

function seconds(milliseconds: number): string {
  return `${milliseconds / 1000} s`;
}
