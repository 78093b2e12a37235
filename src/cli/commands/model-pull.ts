import { createHash, type Hash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { defineCommand } from 'citty';
import { HangjiaError } from '../../errors/index.js';
import { formatBytes } from '../_format.js';
import { COMMON_ARGS, openSession } from '../_session.js';

/** Where recommended models are downloaded from; `HANGJIA_MODEL_PULL_URL` replaces it (a mirror, or a test server). */
export const MODEL_PULL_BASE_URL = 'https://huggingface.co';

/**
 * Small instruct models that answer Chinese and English on a laptop CPU, as GGUF Q4_K_M files.
 * The first is the default. Paths are relative to {@link MODEL_PULL_BASE_URL}.
 */
export const RECOMMENDED_MODELS: Readonly<Record<string, { path: string; file: string; approximateBytes: number }>> = {
  'qwen2.5-1.5b-instruct': {
    path: 'Qwen/Qwen2.5-1.5B-Instruct-GGUF/resolve/main/qwen2.5-1.5b-instruct-q4_k_m.gguf',
    file: 'qwen2.5-1.5b-instruct-q4_k_m.gguf',
    approximateBytes: 1_120_000_000,
  },
  'qwen2.5-0.5b-instruct': {
    path: 'Qwen/Qwen2.5-0.5B-Instruct-GGUF/resolve/main/qwen2.5-0.5b-instruct-q4_k_m.gguf',
    file: 'qwen2.5-0.5b-instruct-q4_k_m.gguf',
    approximateBytes: 491_000_000,
  },
};
const DEFAULT_MODEL = 'qwen2.5-1.5b-instruct';
/** Fail fast offline: no answer headers within this time means no usable connection. */
const CONNECT_TIMEOUT_MS = 15_000;
/** A download that delivers no byte for this long is broken off (and can be resumed). */
const STALL_TIMEOUT_MS = 60_000;
/** As browsers and undici: more hops than this is a redirect loop. */
const MAX_REDIRECTS = 20;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/**
 * Response headers that may carry the content's SHA-256, in order of trust. Hugging Face
 * "resolve" URLs answer an LFS file with `x-linked-etag: "<sha256 of the content>"` on the first
 * response, before redirecting to the CDN (whose own ETag is something else); huggingface_hub
 * reads the same header (`get_hf_file_metadata`). A plain `etag` counts only when it is a SHA-256.
 */
const DIGEST_HEADERS = ['x-linked-etag', 'etag'] as const;

/** Where the expected digest came from: the `--sha256` flag, or a header of the server's answer. */
type DigestSource = '--sha256' | `${(typeof DIGEST_HEADERS)[number]} header`;
interface ExpectedDigest {
  sha256: string;
  from: DigestSource;
}

/**
 * The SHA-256 a response header states, or undefined when the value is not clearly one: 64 hex
 * digits, bare or quoted, optionally weak (`W/"…"`). Any other ETag (an MD5, a git blob id, a
 * multipart `…-3`, an opaque version tag) is an identifier, never a checksum, and is ignored.
 *
 * @example
 * sha256FromHeader('"9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"') // '9f86d08…'
 * sha256FromHeader('"5d41402abc4b2a76b9719d911017c592"') // undefined (an MD5)
 */
export function sha256FromHeader(value: string | null | undefined): string | undefined {
  const match = /^(?:W\/)?(?:"([0-9a-f]{64})"|([0-9a-f]{64}))$/i.exec(value?.trim() ?? '');
  return match ? (match[1] ?? match[2])!.toLowerCase() : undefined;
}

export default defineCommand({
  meta: { name: 'pull', description: `Download a recommended small instruct GGUF to $HANGJIA_HOME/models/ (resumes interrupted downloads, checks the SHA-256)` },
  args: {
    name: { type: 'positional', description: `Model to download: ${Object.keys(RECOMMENDED_MODELS).join(', ')} (default ${DEFAULT_MODEL})`, required: false },
    sha256: { type: 'string', description: 'Expected SHA-256 of the file (64 hex digits); replaces the digest the server reports. With an already downloaded file, checks that file' },
    ...COMMON_ARGS,
  },
  async run({ args, data }) {
    const { session, terminal, loaded } = openSession(data, args);
    const name = args.name ?? DEFAULT_MODEL;
    const entry = RECOMMENDED_MODELS[name];
    if (!entry) {
      throw new HangjiaError('E_USAGE', `Unknown model "${name}"; choose one of ${Object.keys(RECOMMENDED_MODELS).join(', ')}.`, { details: { setting: 'name', value: name } });
    }
    const flagDigest = parseSha256Flag(args.sha256);
    const base = (session.env['HANGJIA_MODEL_PULL_URL'] || MODEL_PULL_BASE_URL).replace(/\/+$/, '');
    const url = `${base}/${entry.path}`;
    const directory = path.join(loaded.config.home, 'models');
    const target = path.join(directory, entry.file);
    const partial = `${target}.part`;
    const report = (result: Record<string, unknown>, text: string): void => (terminal.json ? terminal.outJson(result) : terminal.out(text));
    const useLine = `HANGJIA_MODEL_PROVIDER=llama-cpp HANGJIA_MODEL_PATH=${target}`;
    if (fs.existsSync(target)) {
      const bytes = fs.statSync(target).size;
      if (!flagDigest) return report({ name, path: target, bytes, downloaded: false }, `${name} is already downloaded: ${target}\nUse it with: ${useLine}`);
      // Asked to check a file we already have: hash it (no network), and move it aside if it is wrong.
      const hash = createHash('sha256');
      await hashFilePrefix(hash, target, bytes);
      const checked = checkDigest({ name, url, file: target, target, actual: hash.digest('hex'), expected: { sha256: flagDigest, from: '--sha256' } });
      return report({ name, path: target, bytes, downloaded: false, ...checked.json }, `${name} is already downloaded: ${target}\n${checked.line}\nUse it with: ${useLine}`);
    }
    fs.mkdirSync(directory, { recursive: true });
    const offset = fs.existsSync(partial) ? fs.statSync(partial).size : 0;
    terminal.info(`Downloading ${name} from ${url}${offset > 0 ? ` (resuming at ${formatBytes(offset)})` : ''}`);

    // One controller for the whole transfer: a timeout until the headers arrive, then a stall
    // timeout re-armed on every chunk. (AbortSignal.timeout on fetch would also abort the body
    // after CONNECT_TIMEOUT_MS, breaking off every download that takes longer than that.)
    const abort = new AbortController();
    let timer = setTimeout(() => abort.abort(new DOMException('no answer headers', 'TimeoutError')), CONNECT_TIMEOUT_MS);
    const armStallTimer = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => abort.abort(new DOMException(`no data for ${STALL_TIMEOUT_MS / 1000} s`, 'TimeoutError')), STALL_TIMEOUT_MS);
    };
    try {
      const { response, serverDigest } = await fetchFollowingRedirects(url, offset > 0 ? { range: `bytes=${offset}-` } : {}, abort.signal);
      clearTimeout(timer);
      const expected: ExpectedDigest | undefined = flagDigest ? { sha256: flagDigest, from: '--sha256' } : serverDigest;
      if (flagDigest && serverDigest && serverDigest.sha256 !== flagDigest) {
        terminal.info(`The server's ${serverDigest.from} gives sha256 ${serverDigest.sha256}, not the --sha256 value; checking against --sha256.`);
      }
      if (expected) terminal.debug(`Expecting sha256 ${expected.sha256} (from ${describeSource(expected.from)})`);
      if (response.status === 416 && offset > 0) {
        // The partial file is already complete (the last run died before renaming it).
        await response.body?.cancel().catch(() => undefined);
        const hash = createHash('sha256');
        await hashFilePrefix(hash, partial, offset);
        const checked = checkDigest({ name, url, file: partial, target, actual: hash.digest('hex'), expected });
        fs.renameSync(partial, target);
        return report({ name, path: target, bytes: offset, downloaded: true, ...checked.json }, `Downloaded ${name}: ${target}\n${checked.line}\nUse it with: ${useLine}`);
      }
      if (response.status !== 200 && response.status !== 206) {
        await response.body?.cancel().catch(() => undefined);
        throw new HangjiaError('E_MODEL_DOWNLOAD', `Downloading ${url} failed with HTTP ${response.status}. Try again later, or set HANGJIA_MODEL_PULL_URL to a mirror.`, {
          details: { url, status: response.status },
          isRetryable: response.status >= 500 || response.status === 429,
        });
      }
      const resumed = response.status === 206;
      const start = resumed ? offset : 0;
      const length = Number(response.headers.get('content-length') ?? NaN);
      const total = Number.isFinite(length) ? start + length : entry.approximateBytes;
      // The digest covers the whole file: on a resume, the part already on disk is read once
      // here (a hash's state cannot be saved between runs), then the new bytes as they arrive.
      const hash = createHash('sha256');
      if (resumed) await hashFilePrefix(hash, partial, offset);
      const output = fs.createWriteStream(partial, { flags: resumed ? 'a' : 'w' });
      let done = start;
      try {
        armStallTimer();
        for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
          armStallTimer();
          hash.update(chunk);
          if (!output.write(chunk)) await new Promise<void>((resolve) => output.once('drain', () => resolve()));
          done += chunk.byteLength;
          terminal.progress('model', done, total, `${formatBytes(done)} / ${formatBytes(total)}`);
        }
      } catch (cause) {
        throw new HangjiaError('E_MODEL_DOWNLOAD', `The download of ${url} broke off at ${formatBytes(done)}. Run "hangjia model pull ${name}" again to resume.`, {
          details: { url, bytes: done },
          cause,
          isRetryable: true,
        });
      } finally {
        clearTimeout(timer);
        await new Promise<void>((resolve) => output.end(() => resolve()));
        terminal.endProgress();
      }
      if (Number.isFinite(length) && done !== start + length) {
        throw new HangjiaError('E_MODEL_DOWNLOAD', `The download of ${url} ended at ${formatBytes(done)} of ${formatBytes(start + length)}. Run "hangjia model pull ${name}" again to resume.`, {
          details: { url, bytes: done },
          isRetryable: true,
        });
      }
      const checked = checkDigest({ name, url, file: partial, target, actual: hash.digest('hex'), expected });
      fs.renameSync(partial, target);
      report(
        { name, path: target, bytes: done, downloaded: true, resumedFrom: resumed ? offset : 0, ...checked.json },
        `Downloaded ${name}: ${target}\n${checked.line}\nUse it with: ${useLine}`,
      );
    } finally {
      clearTimeout(timer);
    }
  },
});

function parseSha256Flag(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const digest = value.trim().toLowerCase();
  if (!/^[0-9a-f]{64}$/.test(digest)) {
    throw new HangjiaError('E_USAGE', `--sha256 takes a SHA-256 digest as 64 hexadecimal digits; got "${value}".`, { details: { setting: 'sha256', value } });
  }
  return digest;
}

/**
 * Fetches `url`, following redirects by hand so that the first response's headers can be read:
 * Hugging Face states the content's SHA-256 on its own 302, not on the CDN's answer it redirects to.
 * The first response that states a SHA-256 gives {@link ExpectedDigest}.
 */
async function fetchFollowingRedirects(url: string, headers: Record<string, string>, signal: AbortSignal): Promise<{ response: Response; serverDigest: ExpectedDigest | undefined }> {
  let current = url;
  let serverDigest: ExpectedDigest | undefined;
  for (let hops = 0; ; hops++) {
    let response: Response;
    try {
      response = await fetch(current, { headers, signal, redirect: 'manual' });
    } catch (cause) {
      throw offlineError(url, cause);
    }
    serverDigest ??= digestFromHeaders(response.headers);
    const location = response.headers.get('location');
    if (!REDIRECT_STATUSES.has(response.status) || !location) return { response, serverDigest };
    await response.body?.cancel().catch(() => undefined);
    if (hops >= MAX_REDIRECTS) {
      throw new HangjiaError('E_MODEL_DOWNLOAD', `Downloading ${url} was redirected more than ${MAX_REDIRECTS} times (last to ${location}). Set HANGJIA_MODEL_PULL_URL to a mirror.`, {
        details: { url, location },
      });
    }
    current = new URL(location, current).href;
  }
}

function digestFromHeaders(headers: Headers): ExpectedDigest | undefined {
  for (const header of DIGEST_HEADERS) {
    const sha256 = sha256FromHeader(headers.get(header));
    if (sha256) return { sha256, from: `${header} header` };
  }
  return undefined;
}

function describeSource(from: DigestSource): string {
  return from === '--sha256' ? '--sha256' : `the server's ${from}`;
}

/** Feeds the first `bytes` bytes of `file` to `hash`, streamed. */
async function hashFilePrefix(hash: Hash, file: string, bytes: number): Promise<void> {
  if (bytes <= 0) return;
  for await (const chunk of fs.createReadStream(file, { start: 0, end: bytes - 1 })) hash.update(chunk as Buffer);
}

/**
 * Compares the file's digest with the expected one. On a mismatch the file is moved aside to
 * `<target>.sha256-mismatch` (kept for inspection, and out of the way: with neither the model
 * file nor its `.part` left, the next pull starts from the beginning) and E_MODEL_CHECKSUM names
 * the file, both digests and where the expected one came from.
 */
function checkDigest(input: { name: string; url: string; file: string; target: string; actual: string; expected: ExpectedDigest | undefined }): {
  json: Record<string, unknown>;
  line: string;
} {
  const { name, url, file, target, actual, expected } = input;
  if (!expected) {
    return {
      json: { sha256: actual, verified: false, expectedSha256From: null },
      line: `sha256 ${actual} (not verified: no --sha256 was given and the server stated no SHA-256)`,
    };
  }
  if (actual === expected.sha256) {
    return {
      json: { sha256: actual, verified: true, expectedSha256From: expected.from },
      line: `verified sha256 ${actual} (expected digest from ${describeSource(expected.from)})`,
    };
  }
  const aside = `${target}.sha256-mismatch`;
  fs.renameSync(file, aside);
  throw new HangjiaError(
    'E_MODEL_CHECKSUM',
    `${target} failed its SHA-256 check: expected ${expected.sha256} (from ${describeSource(expected.from)}), got ${actual}. ` +
      `The file was moved aside to ${aside} (delete it once you no longer need it); the next "hangjia model pull ${name}" downloads from the beginning.` +
      (expected.from === '--sha256' ? ' If the --sha256 value itself is wrong, pull again with the right one.' : ''),
    { details: { path: target, movedTo: aside, url, expected: expected.sha256, actual, expectedFrom: expected.from }, isRetryable: true },
  );
}

function offlineError(url: string, cause: unknown): HangjiaError {
  let reason = 'no connection';
  for (let current = cause, depth = 0; current && depth < 5; depth++) {
    // A DOMException has a numeric `code` too (23 for a timeout): only string codes name a reason.
    const rawCode = (current as { code?: unknown }).code;
    const code = typeof rawCode === 'string' ? rawCode : (current as { name?: unknown }).name === 'TimeoutError' ? 'timed out' : undefined;
    if (code) {
      reason = code;
      break;
    }
    current = (current as { cause?: unknown }).cause;
  }
  return new HangjiaError(
    'E_MODEL_DOWNLOAD',
    `Cannot download the model from ${url} (${reason}): this machine seems to be offline or cannot reach the server. ` +
      'hangjia works without a model: "hangjia ask" then gives extractive answers (quoted, cited sentences from your documents). ' +
      'To use a model served elsewhere, set model.provider: openai-compatible and model.baseURL (HANGJIA_MODEL_PROVIDER, HANGJIA_BASE_URL, HANGJIA_MODEL), ' +
      'or copy a GGUF file to this machine and set HANGJIA_MODEL_PROVIDER=llama-cpp HANGJIA_MODEL_PATH=<file>. A mirror can be given with HANGJIA_MODEL_PULL_URL.',
    { details: { url, reason }, cause, isRetryable: true },
  );
}
