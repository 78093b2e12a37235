import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { useTemporaryDirectories } from '../../../test/support/temporary-directory.js';
import { HangjiaError } from '../../errors/index.js';
import { downloadModelFile, type ModelDownloadProgress } from './index.js';

const temporaryDirectory = useTemporaryDirectories();

// 8 KiB in 1 KiB pieces; the server states its SHA-256 as an ETag, so every complete download is verified.
const content = Buffer.from(Array.from({ length: 8 * 1024 }, (_, index) => (index * 31) % 256));
const digest = createHash('sha256').update(content).digest('hex');
const CHUNK = 1024;

// Small clocks keep the suite fast; the pacing below leaves each one a wide margin either way,
// so that a loaded machine (two shared cores) delays timers without flipping an outcome.
const CONNECT_TIMEOUT_MS = 400;
const STALL_TIMEOUT_MS = 1200;

describe('downloadModelFile timeouts', () => {
  it('a body that keeps flowing for longer than the connect timeout completes and verifies (the connect timeout stops at the headers)', async () => {
    // 8 pieces, 200 ms apart: about 1.4 s of body, over three times the connect timeout, while no
    // gap comes near the stall timeout. With AbortSignal.timeout(connectTimeoutMs) on fetch, as
    // before the fix, the body was aborted after the connect timeout and this download broke off.
    const server = await startServer((request, response) => streamContent(request, response, { intervalMs: 200 }));
    const destination = path.join(temporaryDirectory(), 'models', 'model.gguf');
    const events: ModelDownloadProgress[] = [];
    const started = performance.now();
    const result = await downloadModelFile(`${server.url}/model.gguf`, destination, {
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      stallTimeoutMs: STALL_TIMEOUT_MS,
      onProgress: (progress) => events.push(progress),
    });
    const elapsed = performance.now() - started;

    // The test means something only if the body really outlasted the connect timeout.
    expect(elapsed).toBeGreaterThan(3 * CONNECT_TIMEOUT_MS);
    expect(result).toEqual({ path: destination, bytes: content.length, resumedFrom: 0, completedFromPart: false, sha256: digest, verified: true, expectedSha256From: 'etag header' });
    expect(fs.readFileSync(destination).equals(content)).toBe(true);
    expect(fs.existsSync(`${destination}.part`)).toBe(false);
    expect(events[0]).toEqual({ type: 'download-start', url: `${server.url}/model.gguf`, partialPath: `${destination}.part`, resumeFrom: 0 });
    expect(events[1]).toEqual({ type: 'response-start', status: 200, expectedSha256: { sha256: digest, from: 'etag header' }, serverSha256: { sha256: digest, from: 'etag header' } });
    expect(events.at(-1)).toEqual({ type: 'download-progress', bytes: content.length, totalBytes: content.length });
  });

  it('a body that goes silent for longer than the stall timeout fails with "timed out: no data for …", keeping a .part that resumes', async () => {
    // Headers and 3 KiB at once, then silence with the connection held open.
    let stallAfterBytes: number | undefined = 3 * CHUNK;
    const server = await startServer((request, response) => streamContent(request, response, { intervalMs: 0, stallAfterBytes }));
    const destination = path.join(temporaryDirectory(), 'model.gguf');
    const started = performance.now();
    const error = await downloadModelFile(`${server.url}/model.gguf`, destination, { connectTimeoutMs: CONNECT_TIMEOUT_MS, stallTimeoutMs: STALL_TIMEOUT_MS }).catch((caught: unknown) => caught);
    const elapsed = performance.now() - started;

    expect(error).toBeInstanceOf(HangjiaError);
    const failure = error as HangjiaError;
    expect(failure.code).toBe('E_MODEL_DOWNLOAD');
    expect(failure.message).toBe(
      `The download of ${server.url}/model.gguf broke off at ${3 * CHUNK} bytes (timed out: no data for 1.2 s). ${destination}.part keeps what arrived: download to the same destination again to resume.`,
    );
    expect(failure.details).toEqual({ failure: 'broken-off', url: `${server.url}/model.gguf`, bytes: 3 * CHUNK, partialPath: `${destination}.part`, reason: 'timed out: no data for 1.2 s' });
    expect(failure.isRetryable).toBe(true);
    // It waited out the stall timeout, and not much more.
    expect(elapsed).toBeGreaterThanOrEqual(STALL_TIMEOUT_MS - 5);
    expect(elapsed).toBeLessThan(STALL_TIMEOUT_MS + 1500);
    expect(fs.readFileSync(`${destination}.part`).equals(content.subarray(0, 3 * CHUNK))).toBe(true);
    expect(fs.existsSync(destination)).toBe(false);

    // The .part is resumable: the next call asks for the rest and the whole file verifies.
    stallAfterBytes = undefined;
    const resumed = await downloadModelFile(`${server.url}/model.gguf`, destination, { connectTimeoutMs: CONNECT_TIMEOUT_MS, stallTimeoutMs: STALL_TIMEOUT_MS });
    expect(server.ranges).toEqual([undefined, `bytes=${3 * CHUNK}-`]);
    expect(resumed).toMatchObject({ bytes: content.length, resumedFrom: 3 * CHUNK, sha256: digest, verified: true });
    expect(fs.readFileSync(destination).equals(content)).toBe(true);
  });

  it('a server that never sends headers fails after the connect timeout, saying it timed out', async () => {
    // Accepts the connection and reads the request, then never answers.
    const server = await startServer(() => undefined);
    const destination = path.join(temporaryDirectory(), 'model.gguf');
    const url = `${server.url}/model.gguf`;
    const started = performance.now();
    const error = await downloadModelFile(url, destination, { connectTimeoutMs: CONNECT_TIMEOUT_MS, stallTimeoutMs: STALL_TIMEOUT_MS }).catch((caught: unknown) => caught);
    const elapsed = performance.now() - started;

    expect(error).toBeInstanceOf(HangjiaError);
    const failure = error as HangjiaError;
    expect(failure.code).toBe('E_MODEL_DOWNLOAD');
    expect(failure.message).toBe(`Cannot download the model from ${url} (timed out: no response headers within 0.4 s): this machine seems to be offline or cannot reach the server.`);
    expect(failure.details).toEqual({ failure: 'unreachable', url, reason: 'timed out: no response headers within 0.4 s' });
    expect(failure.isRetryable).toBe(true);
    expect(server.ranges).toEqual([undefined]);
    expect(elapsed).toBeGreaterThanOrEqual(CONNECT_TIMEOUT_MS - 5);
    expect(elapsed).toBeLessThan(CONNECT_TIMEOUT_MS + 1500);
    // Nothing arrived, so nothing was written.
    expect(fs.readdirSync(path.dirname(destination))).toEqual([]);
  });

  it("the caller's abort signal stops the download with the signal's reason and keeps the .part for a resume", async () => {
    // 1 KiB every 50 ms: the abort lands mid-body, after the third piece.
    const server = await startServer((request, response) => streamContent(request, response, { intervalMs: 50 }));
    const destination = path.join(temporaryDirectory(), 'model.gguf');
    const controller = new AbortController();
    const reason = new HangjiaError('E_ABORTED', 'Interrupted by SIGINT.', { isRetryable: true });
    const error = await downloadModelFile(`${server.url}/model.gguf`, destination, {
      connectTimeoutMs: CONNECT_TIMEOUT_MS,
      stallTimeoutMs: STALL_TIMEOUT_MS,
      signal: controller.signal,
      onProgress: (progress) => {
        if (progress.type === 'download-progress' && progress.bytes >= 3 * CHUNK) controller.abort(reason);
      },
    }).catch((caught: unknown) => caught);

    expect(error).toBe(reason);
    const kept = fs.readFileSync(`${destination}.part`);
    expect(kept.length).toBeGreaterThanOrEqual(3 * CHUNK);
    expect(kept.length).toBeLessThan(content.length);
    expect(kept.equals(content.subarray(0, kept.length))).toBe(true);
    expect(fs.existsSync(destination)).toBe(false);

    const resumed = await downloadModelFile(`${server.url}/model.gguf`, destination, { connectTimeoutMs: CONNECT_TIMEOUT_MS, stallTimeoutMs: STALL_TIMEOUT_MS });
    expect(server.ranges).toEqual([undefined, `bytes=${kept.length}-`]);
    expect(resumed).toMatchObject({ bytes: content.length, resumedFrom: kept.length, verified: true });
  });

  it('an abort while waiting for the headers rejects with the reason, not as a connection failure; an aborted signal sends nothing', async () => {
    const server = await startServer(() => undefined);
    const destination = path.join(temporaryDirectory(), 'model.gguf');
    const reason = new Error('stop');
    const controller = new AbortController();
    setTimeout(() => controller.abort(reason), 50);
    // The connect timeout is far off, so only the caller's abort can end this.
    await expect(downloadModelFile(`${server.url}/model.gguf`, destination, { connectTimeoutMs: 5_000, signal: controller.signal })).rejects.toBe(reason);

    const before = server.ranges.length;
    await expect(downloadModelFile(`${server.url}/model.gguf`, destination, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
    expect(server.ranges.length).toBe(before);
  });
});

interface TestServer {
  url: string;
  /** The Range header of every request, in order. */
  ranges: Array<string | undefined>;
}

describe('downloadModelFile resume edge cases', () => {
  it('a .part longer than the file (HTTP 416 with another size) is removed, not renamed into place', async () => {
    const server = await startServer((request, response) => {
      const match = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
      if (match && Number(match[1]) >= content.length) {
        response.writeHead(416, { 'content-range': `bytes */${content.length}` });
        response.end();
        return;
      }
      streamContent(request, response, { intervalMs: 0 });
    });
    const destination = path.join(temporaryDirectory(), 'model.gguf');
    fs.writeFileSync(`${destination}.part`, Buffer.concat([content, Buffer.from('left over from another version')]));
    const failure = await downloadModelFile(server.url, destination, { connectTimeoutMs: CONNECT_TIMEOUT_MS, stallTimeoutMs: STALL_TIMEOUT_MS }).catch((error: unknown) => error);
    expect(HangjiaError.is(failure) && failure.code).toBe('E_MODEL_DOWNLOAD');
    expect((failure as HangjiaError).details).toMatchObject({ failure: 'mismatched-part', partBytes: content.length + 30, fileBytes: content.length });
    expect((failure as HangjiaError).message).toContain('the partial file is not of this file, so it was removed');
    expect(fs.existsSync(destination)).toBe(false);
    expect(fs.existsSync(`${destination}.part`)).toBe(false);
    // The next call starts from the beginning and verifies.
    const result = await downloadModelFile(server.url, destination, { connectTimeoutMs: CONNECT_TIMEOUT_MS, stallTimeoutMs: STALL_TIMEOUT_MS });
    expect(result).toMatchObject({ bytes: content.length, resumedFrom: 0, verified: true });
    expect(server.ranges).toEqual([`bytes=${content.length + 30}-`, undefined]);
    expect(fs.readFileSync(destination).equals(content)).toBe(true);
  });
});

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function startServer(handler: (request: http.IncomingMessage, response: http.ServerResponse) => void): Promise<TestServer> {
  const state: TestServer = { url: '', ranges: [] };
  const server = http.createServer((request, response) => {
    state.ranges.push(request.headers.range);
    handler(request, response);
  });
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return state;
}

/**
 * Serves `content` from the Range start (206) or whole (200), stating its SHA-256 as the ETag, in
 * {@link CHUNK}-byte pieces `intervalMs` apart. With `stallAfterBytes`, it stops sending after
 * that many bytes of this answer and holds the connection open, never ending the body.
 */
function streamContent(request: http.IncomingMessage, response: http.ServerResponse, pacing: { intervalMs: number; stallAfterBytes?: number | undefined }): void {
  const match = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
  const start = match ? Number(match[1]) : 0;
  response.writeHead(match ? 206 : 200, { 'content-length': String(content.length - start), etag: `"${digest}"` });
  let offset = start;
  const send = (): void => {
    if (response.destroyed) return;
    if (pacing.stallAfterBytes !== undefined && offset - start >= pacing.stallAfterBytes) return;
    const piece = content.subarray(offset, offset + CHUNK);
    offset += piece.length;
    if (offset >= content.length) {
      response.end(piece);
    } else if (pacing.intervalMs === 0) {
      response.write(piece);
      send();
    } else {
      response.write(piece);
      setTimeout(send, pacing.intervalMs);
    }
  };
  send();
}
