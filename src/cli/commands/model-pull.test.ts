import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../../test/support/run-cli.js';
import { expectStoppedBySignal, stopListenerCounts } from '../../../test/support/stop-signal.js';
import { useTemporaryDirectories } from '../../../test/support/temporary-directory.js';
import { sha256FromHeader } from '../../models/index.js';
import { RECOMMENDED_MODELS } from './model-pull.js';

const temporaryDirectory = useTemporaryDirectories();

describe('hangjia model pull', () => {
  it('fails fast offline, pointing to extractive mode and endpoint configuration', async () => {
    const home = temporaryDirectory();
    // A loopback port that was just closed: nothing listens there, so the connection is refused at once.
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const base = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise((resolve) => closed.close(resolve));
    const started = performance.now();
    const run = await runCliCaptured(['model', 'pull'], { home, env: { HANGJIA_MODEL_PULL_URL: base } });
    expect(performance.now() - started).toBeLessThan(5000);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(`Error: Cannot download the model from ${base}/${RECOMMENDED_MODELS['qwen2.5-1.5b-instruct']!.path} (ECONNREFUSED)`);
    expect(run.stderr).toContain('"hangjia ask" then gives extractive answers');
    expect(run.stderr).toContain('model.provider: openai-compatible and model.baseURL');
    expect(run.stderr).toContain('[E_MODEL_DOWNLOAD]');
    expect(fs.existsSync(path.join(home, 'models', 'qwen2.5-1.5b-instruct-q4_k_m.gguf'))).toBe(false);
  });

  it('resumes a partial download with an HTTP Range request', async () => {
    const content = Buffer.from(Array.from({ length: 5000 }, (_, index) => index % 251));
    const { server, ranges } = await startRangeServer(content);
    try {
      const home = temporaryDirectory();
      const file = path.join(home, 'models', 'qwen2.5-0.5b-instruct-q4_k_m.gguf');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(`${file}.part`, content.subarray(0, 1200));
      const run = await runCliCaptured(['model', 'pull', 'qwen2.5-0.5b-instruct', '--json'], {
        home,
        env: { HANGJIA_MODEL_PULL_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` },
      });
      expect(run.code, run.stderr).toBe(0);
      // This server states no digest, so the whole file's sha256 is reported but not verified.
      expect(JSON.parse(run.stdout)).toEqual({
        name: 'qwen2.5-0.5b-instruct',
        path: file,
        bytes: 5000,
        downloaded: true,
        resumedFrom: 1200,
        sha256: sha256(content),
        verified: false,
        expectedSha256From: null,
      });
      expect(ranges).toEqual(['bytes=1200-']);
      expect(fs.readFileSync(file).equals(content)).toBe(true);
      expect(fs.existsSync(`${file}.part`)).toBe(false);
      expect(run.stderr).toContain('(resuming at 1.2 KiB)');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('Ctrl-C keeps the partial download, exits 130 saying how to resume, and the same command resumes', async () => {
    const content = Buffer.from(Array.from({ length: 4096 }, (_, index) => (index * 13) % 256));
    const before = stopListenerCounts();
    let during: ReturnType<typeof stopListenerCounts> | undefined;
    const { server, ranges } = await startRangeServer(content, (response) => {
      // The first 1 KiB, then the signal; the rest would come only after the test's time limit.
      response.write(content.subarray(0, 1024), () => {
        during = stopListenerCounts();
        if (during.SIGINT === before.SIGINT + 1 && during.SIGTERM === before.SIGTERM + 1) setTimeout(() => process.kill(process.pid, 'SIGINT'), 200);
        else response.end(content.subarray(1024)); // no listener: finish, so the assertions fail rather than the process
      });
    });
    try {
      const home = temporaryDirectory();
      const file = path.join(home, 'models', 'qwen2.5-0.5b-instruct-q4_k_m.gguf');
      const env = { HANGJIA_MODEL_PULL_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/` };
      const interrupted = await runCliCaptured(['model', 'pull', 'qwen2.5-0.5b-instruct'], { home, env });
      expectStoppedBySignal(interrupted, { before, during }, 'SIGINT', `1.0 KiB of qwen2.5-0.5b-instruct are kept in ${file}.part`);
      expect(fs.readFileSync(`${file}.part`).equals(content.subarray(0, 1024))).toBe(true);
      expect(fs.existsSync(file)).toBe(false);

      const resumed = await runCliCaptured(['model', 'pull', 'qwen2.5-0.5b-instruct', '--json'], { home, env });
      expect(resumed.code, resumed.stderr).toBe(0);
      expect(JSON.parse(resumed.stdout)).toMatchObject({ bytes: 4096, downloaded: true, resumedFrom: 1024, sha256: sha256(content) });
      expect(ranges).toEqual([undefined, 'bytes=1024-']);
      expect(fs.readFileSync(file).equals(content)).toBe(true);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  });

  describe('SHA-256 verification', () => {
    const content = Buffer.from(Array.from({ length: 6000 }, (_, index) => (index * 7) % 256));
    const digest = sha256(content);
    const otherDigest = sha256(Buffer.from('not the model'));
    const modelPath = RECOMMENDED_MODELS['qwen2.5-0.5b-instruct']!.path;

    it('verifies against the x-linked-etag of the first response, before a redirect, ignoring the CDN ETag', async () => {
      // As Hugging Face: /resolve/ answers 302 with x-linked-etag, the CDN answers with an ETag of its own.
      await withModelServer({ content, redirectHeaders: { 'x-linked-etag': `"${digest}"`, etag: '"a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4"' }, fileHeaders: { etag: `"${otherDigest}"` } }, async (server) => {
        const { home, file } = newHome();
        const run = await pull(home, server.base);
        expect(run.code, run.stderr).toBe(0);
        expect(run.stdout).toBe(`Downloaded qwen2.5-0.5b-instruct: ${file}\nverified sha256 ${digest} (expected digest from the server's x-linked-etag header)\nUse it with: HANGJIA_MODEL_PROVIDER=llama-cpp HANGJIA_MODEL_PATH=${file}\n`);
        expect(server.requests).toEqual([`/${modelPath}`, '/cdn/model.gguf']);
        expect(fs.readFileSync(file).equals(content)).toBe(true);
        expect(fs.readdirSync(path.dirname(file))).toEqual([path.basename(file)]);
      });
    });

    it('fails on a wrong digest from the server, naming file, both digests and their source, and moves the file aside', async () => {
      await withModelServer({ content, fileHeaders: { etag: `W/"${otherDigest.toUpperCase()}"` } }, async (server) => {
        const { home, file } = newHome();
        const run = await pull(home, server.base);
        expect(run.code).toBe(1);
        expect(run.stdout).toBe('');
        expect(run.stderr).toContain(
          `Error: ${file} failed its SHA-256 check: expected ${otherDigest} (from the server's etag header), got ${digest}. ` +
            `The file was moved aside to ${file}.sha256-mismatch (delete it once you no longer need it); the next "hangjia model pull qwen2.5-0.5b-instruct" downloads from the beginning. [E_MODEL_CHECKSUM]`,
        );
        // Nothing is left where the next pull or llama.cpp would take it as good.
        expect(fs.existsSync(file)).toBe(false);
        expect(fs.existsSync(`${file}.part`)).toBe(false);
        expect(fs.readFileSync(`${file}.sha256-mismatch`).equals(content)).toBe(true);

        // …so the next pull starts from the beginning (no Range), here against a server that now states the right digest.
        server.fileHeaders = { etag: `"${digest}"` };
        const again = await pull(home, server.base, ['--json']);
        expect(again.code, again.stderr).toBe(0);
        expect(server.ranges).toEqual([undefined, undefined]);
        expect(JSON.parse(again.stdout)).toMatchObject({ bytes: 6000, resumedFrom: 0, sha256: digest, verified: true, expectedSha256From: 'etag header' });
      });
    });

    it('--sha256 replaces the server digest, in both directions', async () => {
      await withModelServer({ content, redirectHeaders: { 'x-linked-etag': `"${otherDigest}"` } }, async (server) => {
        // The flag is right and the server wrong: verified against the flag.
        const right = newHome();
        const verified = await pull(right.home, server.base, ['--sha256', digest.toUpperCase(), '--json']);
        expect(verified.code, verified.stderr).toBe(0);
        expect(JSON.parse(verified.stdout)).toEqual({
          name: 'qwen2.5-0.5b-instruct',
          path: right.file,
          bytes: 6000,
          downloaded: true,
          resumedFrom: 0,
          sha256: digest,
          verified: true,
          expectedSha256From: '--sha256',
        });
        expect(verified.stderr).toContain(`The server's x-linked-etag header gives sha256 ${otherDigest}, not the --sha256 value; checking against --sha256.`);

        // The server is right and the flag wrong: the flag still wins, so the pull fails and says so.
        server.redirectHeaders = { 'x-linked-etag': `"${digest}"` };
        const wrong = newHome();
        const failed = await pull(wrong.home, server.base, ['--sha256', otherDigest]);
        expect(failed.code).toBe(1);
        expect(failed.stderr).toContain(`expected ${otherDigest} (from --sha256), got ${digest}.`);
        expect(failed.stderr).toContain('If the --sha256 value itself is wrong, pull again with the right one. [E_MODEL_CHECKSUM]');
        expect(fs.existsSync(wrong.file)).toBe(false);
      });
    });

    it('rejects a --sha256 that is not 64 hex digits as a usage error, before any download', async () => {
      await withModelServer({ content }, async (server) => {
        const { home } = newHome();
        const run = await pull(home, server.base, ['--sha256', digest.slice(0, 63)]);
        expect(run.code).toBe(2);
        expect(run.stderr).toContain(`Error: --sha256 takes a SHA-256 digest as 64 hexadecimal digits; got "${digest.slice(0, 63)}". [E_USAGE]`);
        expect(server.requests).toEqual([]);
      });
    });

    it('with --sha256 checks an already downloaded file without downloading it', async () => {
      await withModelServer({ content }, async (server) => {
        const { home, file } = newHome();
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file, content);
        const good = await pull(home, server.base, ['--sha256', digest]);
        expect(good.code, good.stderr).toBe(0);
        expect(good.stdout).toContain(`is already downloaded: ${file}\nverified sha256 ${digest} (expected digest from --sha256)\n`);
        const bad = await pull(home, server.base, ['--sha256', otherDigest]);
        expect(bad.code).toBe(1);
        expect(bad.stderr).toContain(`Error: ${file} failed its SHA-256 check: expected ${otherDigest} (from --sha256), got ${digest}.`);
        expect(fs.existsSync(file)).toBe(false);
        expect(fs.existsSync(`${file}.sha256-mismatch`)).toBe(true);
        expect(server.requests).toEqual([]);
      });
    });

    it('after a transfer that broke off, the resumed download verifies the whole file, not just the new bytes', async () => {
      await withModelServer({ content, redirectHeaders: { 'x-linked-etag': `"${digest}"` }, breakOffAfter: 2500 }, async (server) => {
        const { home, file } = newHome();
        const broken = await pull(home, server.base);
        expect(broken.code).toBe(1);
        expect(broken.stderr).toContain('broke off at');
        expect(broken.stderr).toContain('[E_MODEL_DOWNLOAD]');
        const kept = fs.statSync(`${file}.part`).size;
        expect(kept).toBeGreaterThan(0);
        expect(kept).toBeLessThanOrEqual(2500);

        server.breakOffAfter = undefined;
        const resumed = await pull(home, server.base, ['--json']);
        expect(resumed.code, resumed.stderr).toBe(0);
        expect(server.ranges).toEqual([undefined, undefined, `bytes=${kept}-`, `bytes=${kept}-`]);
        expect(JSON.parse(resumed.stdout)).toMatchObject({ bytes: 6000, resumedFrom: kept, sha256: digest, verified: true, expectedSha256From: 'x-linked-etag header' });
        expect(fs.readFileSync(file).equals(content)).toBe(true);
      });
    });

    it('a resume onto a partial file with wrong bytes fails the check (the part on disk is hashed too)', async () => {
      await withModelServer({ content, redirectHeaders: { 'x-linked-etag': `"${digest}"` } }, async (server) => {
        const { home, file } = newHome();
        fs.mkdirSync(path.dirname(file), { recursive: true });
        const corrupted = Buffer.from(content.subarray(0, 1000));
        corrupted[500] = corrupted[500]! ^ 0xff;
        fs.writeFileSync(`${file}.part`, corrupted);
        const run = await pull(home, server.base);
        expect(run.code).toBe(1);
        expect(server.ranges).toEqual(['bytes=1000-', 'bytes=1000-']);
        const actual = sha256(Buffer.concat([corrupted, content.subarray(1000)]));
        expect(run.stderr).toContain(`expected ${digest} (from the server's x-linked-etag header), got ${actual}.`);
        expect(fs.existsSync(file)).toBe(false);
        expect(fs.existsSync(`${file}.part`)).toBe(false);
      });
    });

    it('a partial file that is already complete (HTTP 416) is verified before it is renamed', async () => {
      await withModelServer({ content, redirectHeaders: { 'x-linked-etag': `"${digest}"` } }, async (server) => {
        const { home, file } = newHome();
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(`${file}.part`, content);
        const run = await pull(home, server.base, ['--json']);
        expect(run.code, run.stderr).toBe(0);
        expect(JSON.parse(run.stdout)).toEqual({ name: 'qwen2.5-0.5b-instruct', path: file, bytes: 6000, downloaded: true, sha256: digest, verified: true, expectedSha256From: 'x-linked-etag header' });
      });
    });

    it('ignores ETags that are not a SHA-256: prints the digest and says it was not verified', async () => {
      // An MD5 on the redirect, an S3 multipart tag on the file: identifiers, not checksums of the content.
      await withModelServer({ content, redirectHeaders: { etag: `"${createHash('md5').update(content).digest('hex')}"` }, fileHeaders: { etag: '"9b2cf535f27731c974343645a3985328-3"' } }, async (server) => {
        const { home, file } = newHome();
        const run = await pull(home, server.base);
        expect(run.code, run.stderr).toBe(0);
        expect(run.stdout).toContain(`\nsha256 ${digest} (not verified: no --sha256 was given and the server stated no SHA-256)\n`);
        expect(fs.readFileSync(file).equals(content)).toBe(true);
      });
    });

    it('reads a SHA-256 from a header value only when it clearly is one', () => {
      const hex = 'ab'.repeat(32);
      expect(sha256FromHeader(`"${hex}"`)).toBe(hex);
      expect(sha256FromHeader(hex)).toBe(hex);
      expect(sha256FromHeader(`W/"${hex}"`)).toBe(hex);
      expect(sha256FromHeader(` "${hex.toUpperCase()}" `)).toBe(hex);
      expect(sha256FromHeader(null)).toBeUndefined();
      expect(sha256FromHeader('')).toBeUndefined();
      expect(sha256FromHeader(`"${hex}`)).toBeUndefined(); // unbalanced quote
      expect(sha256FromHeader(`"${hex}-2"`)).toBeUndefined(); // multipart-style suffix
      expect(sha256FromHeader(`"${hex}0"`)).toBeUndefined(); // 65 digits
      expect(sha256FromHeader('"a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4"')).toBeUndefined(); // a git blob id (sha1)
      expect(sha256FromHeader('"5d41402abc4b2a76b9719d911017c592"')).toBeUndefined(); // an MD5
      expect(sha256FromHeader(`"${'g'.repeat(64)}"`)).toBeUndefined(); // not hex
    });
  });
});

function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

function newHome(): { home: string; file: string } {
  const home = temporaryDirectory();
  return { home, file: path.join(home, 'models', 'qwen2.5-0.5b-instruct-q4_k_m.gguf') };
}

function pull(home: string, base: string, extra: string[] = []): ReturnType<typeof runCliCaptured> {
  return runCliCaptured(['model', 'pull', 'qwen2.5-0.5b-instruct', ...extra], { home, env: { HANGJIA_MODEL_PULL_URL: base } });
}

interface ModelServer {
  base: string;
  /** Paths asked for, in order. */
  requests: string[];
  /** The Range header of every request (redirect and file), in order. */
  ranges: Array<string | undefined>;
  /** Headers of the 302 that /resolve/ answers with; without them the file is served directly. */
  redirectHeaders: Record<string, string> | undefined;
  fileHeaders: Record<string, string>;
  /** Sends this many bytes of a full answer, then drops the connection. */
  breakOffAfter: number | undefined;
}

/**
 * A loopback stand-in for Hugging Face: the model's resolve path answers 302 to /cdn/model.gguf
 * when `redirectHeaders` is set (HF states the digest there), and the file is served with Range
 * support (206, or 416 past the end). Fields can be changed between pulls.
 */
async function withModelServer(
  options: { content: Buffer; redirectHeaders?: Record<string, string>; fileHeaders?: Record<string, string>; breakOffAfter?: number },
  body: (server: ModelServer) => Promise<void>,
): Promise<void> {
  const { content } = options;
  const state: ModelServer = { base: '', requests: [], ranges: [], redirectHeaders: options.redirectHeaders, fileHeaders: options.fileHeaders ?? {}, breakOffAfter: options.breakOffAfter };
  const server = http.createServer((request, response) => {
    state.requests.push(request.url ?? '');
    state.ranges.push(request.headers.range);
    if (state.redirectHeaders && request.url !== '/cdn/model.gguf') {
      response.writeHead(302, { location: '/cdn/model.gguf', ...state.redirectHeaders });
      response.end();
      return;
    }
    const match = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    const start = match ? Number(match[1]) : 0;
    if (start >= content.length) {
      response.writeHead(416, { 'content-range': `bytes */${content.length}`, ...state.fileHeaders });
      response.end();
      return;
    }
    response.writeHead(match ? 206 : 200, {
      'content-length': String(content.length - start),
      ...(match ? { 'content-range': `bytes ${start}-${content.length - 1}/${content.length}` } : {}),
      ...state.fileHeaders,
    });
    if (state.breakOffAfter !== undefined) {
      response.write(content.subarray(start, start + state.breakOffAfter), () => response.socket?.destroy());
      return;
    }
    response.end(content.subarray(start));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    await body(state);
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
}

/**
 * Serves `content` on loopback, answering `Range: bytes=N-` with the rest from N (206) and recording
 * each request's range; a request from the start goes to `whole` when given (default: all of it).
 */
async function startRangeServer(content: Buffer, whole?: (response: http.ServerResponse) => void): Promise<{ server: http.Server; ranges: Array<string | undefined> }> {
  const ranges: Array<string | undefined> = [];
  const server = http.createServer((request, response) => {
    ranges.push(request.headers.range);
    const match = /^bytes=(\d+)-$/.exec(request.headers.range ?? '');
    const start = match ? Number(match[1]) : 0;
    response.writeHead(match ? 206 : 200, { 'content-length': String(content.length - start) });
    if (start === 0 && whole !== undefined) whole(response);
    else response.end(content.subarray(start));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, ranges };
}
