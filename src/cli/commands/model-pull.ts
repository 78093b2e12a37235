import fs from 'node:fs';
import path from 'node:path';
import { defineCommand } from 'citty';
import { HangjiaError } from '../../errors/index.js';
import { downloadModelFile, verifyModelFile, type ModelDownloadFailure, type Sha256Check, type Sha256Source } from '../../models/index.js';
import { formatBytes } from '../_format.js';
import { catchInterrupts, reportInterrupted } from '../_interrupts.js';
import { COMMON_ARGS, openSession } from '../_session.js';

/** Where recommended models are downloaded from; `HANGJIA_MODEL_PULL_URL` replaces it (a mirror, or a test server). */
const MODEL_PULL_BASE_URL = 'https://huggingface.co';

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
    const target = path.join(loaded.config.home, 'models', entry.file);
    const report = (result: Record<string, unknown>, text: string): void => (terminal.json ? terminal.outJson(result) : terminal.out(text));
    const useLine = `HANGJIA_MODEL_PROVIDER=llama-cpp HANGJIA_MODEL_PATH=${target}`;
    const interrupts = catchInterrupts();
    try {
      if (fs.existsSync(target)) {
        const bytes = fs.statSync(target).size;
        if (!flagDigest) return report({ name, path: target, bytes, downloaded: false }, `${name} is already downloaded: ${target}\nUse it with: ${useLine}`);
        // Asked to check a file we already have: hash it (no network), and move it aside if it is wrong.
        const checked = await verifyModelFile(target, flagDigest);
        return report({ name, path: target, bytes, downloaded: false, ...checkJson(checked) }, `${name} is already downloaded: ${target}\n${checkLine(checked)}\nUse it with: ${useLine}`);
      }
      const result = await downloadModelFile(url, target, {
        ...(flagDigest === undefined ? {} : { sha256: flagDigest }),
        signal: interrupts.signal,
        onProgress: (progress) => {
          if (progress.type === 'download-start') {
            terminal.info(`Downloading ${name} from ${url}${progress.resumeFrom > 0 ? ` (resuming at ${formatBytes(progress.resumeFrom)})` : ''}`);
          } else if (progress.type === 'response-start') {
            const { expectedSha256: expected, serverSha256 } = progress;
            if (flagDigest && serverSha256 && serverSha256.sha256 !== flagDigest) {
              terminal.info(`The server's ${serverSha256.from} gives sha256 ${serverSha256.sha256}, not the --sha256 value; checking against --sha256.`);
            }
            if (expected) terminal.debug(`Expecting sha256 ${expected.sha256} (from ${describeSource(expected.from)})`);
          } else {
            const total = progress.totalBytes ?? entry.approximateBytes;
            terminal.progress('model', progress.bytes, total, `${formatBytes(progress.bytes)} / ${formatBytes(total)}`);
          }
        },
      }).finally(() => terminal.endProgress());
      // A .part that was already complete (HTTP 416) was reported without resumedFrom; kept so.
      report(
        { name, path: target, bytes: result.bytes, downloaded: true, ...(result.completedFromPart ? {} : { resumedFrom: result.resumedFrom }), ...checkJson(result) },
        `Downloaded ${name}: ${target}\n${checkLine(result)}\nUse it with: ${useLine}`,
      );
    } catch (error) {
      const kept = fs.existsSync(`${target}.part`) ? fs.statSync(`${target}.part`).size : 0;
      if (reportInterrupted(interrupts, session, terminal, `${formatBytes(kept)} of ${name} are kept in ${target}.part`)) return;
      throw inCommandTerms(error, name);
    } finally {
      interrupts.dispose();
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

/** The library names the caller's digest "sha256 option"; for this command that is the --sha256 flag. */
function sourceLabel(from: Sha256Source | null): string | null {
  return from === 'sha256 option' ? '--sha256' : from;
}

function describeSource(from: Sha256Source): string {
  return from === 'sha256 option' ? '--sha256' : `the server's ${from}`;
}

function checkJson(check: Sha256Check): Record<string, unknown> {
  return { sha256: check.sha256, verified: check.verified, expectedSha256From: sourceLabel(check.expectedSha256From) };
}

function checkLine(check: Sha256Check): string {
  return check.expectedSha256From === null
    ? `sha256 ${check.sha256} (not verified: no --sha256 was given and the server stated no SHA-256)`
    : `verified sha256 ${check.sha256} (expected digest from ${describeSource(check.expectedSha256From)})`;
}

/**
 * The library's download errors say how to go on in library terms ("download to the same
 * destination again"); here they say it in this command's: which command resumes, which flag or
 * environment variable to change, and what hangjia can do without a model. Code, details, cause
 * and retryability are kept; errors this does not know pass through unchanged.
 */
function inCommandTerms(error: unknown, name: string): unknown {
  if (!HangjiaError.is(error)) return error;
  const details = error.details as Record<string, string | number | undefined>;
  const again = `"hangjia model pull ${name}"`;
  const message = ((): string | undefined => {
    if (error.code === 'E_MODEL_CHECKSUM') {
      const from = details['expectedFrom'] as Sha256Source;
      return (
        `${details['path']} failed its SHA-256 check: expected ${details['expected']} (from ${describeSource(from)}), got ${details['actual']}. ` +
        `The file was moved aside to ${details['movedTo']} (delete it once you no longer need it); the next ${again} downloads from the beginning.` +
        (from === 'sha256 option' ? ' If the --sha256 value itself is wrong, pull again with the right one.' : '')
      );
    }
    if (error.code !== 'E_MODEL_DOWNLOAD') return undefined;
    const url = details['url'];
    switch (details['failure'] as ModelDownloadFailure | undefined) {
      case 'unreachable':
        return (
          `Cannot download the model from ${url} (${details['reason']}): this machine seems to be offline or cannot reach the server. ` +
          'hangjia works without a model: "hangjia ask" then gives extractive answers (quoted, cited sentences from your documents). ' +
          'To use a model served elsewhere, set model.provider: openai-compatible and model.baseURL (HANGJIA_MODEL_PROVIDER, HANGJIA_BASE_URL, HANGJIA_MODEL), ' +
          'or copy a GGUF file to this machine and set HANGJIA_MODEL_PROVIDER=llama-cpp HANGJIA_MODEL_PATH=<file>. A mirror can be given with HANGJIA_MODEL_PULL_URL.'
        );
      case 'http-status':
        return `Downloading ${url} failed with HTTP ${details['status']}. Try again later, or set HANGJIA_MODEL_PULL_URL to a mirror.`;
      case 'redirect-loop':
        return `Downloading ${url} was redirected more than ${details['maxRedirects']} times (last to ${details['location']}). Set HANGJIA_MODEL_PULL_URL to a mirror.`;
      case 'broken-off':
        return `The download of ${url} broke off at ${formatBytes(Number(details['bytes']))} (${details['reason']}). Run ${again} again to resume.`;
      case 'incomplete':
        return `The download of ${url} ended at ${formatBytes(Number(details['bytes']))} of ${formatBytes(Number(details['expectedBytes']))}. Run ${again} again to resume.`;
      case 'mismatched-part':
        return `${details['partialPath']} held ${formatBytes(Number(details['partBytes']))}, more than the ${formatBytes(Number(details['fileBytes']))} of ${url}: it was left from another file and has been removed. Run ${again} again to download from the beginning.`;
      default:
        return undefined;
    }
  })();
  return message === undefined ? error : new HangjiaError(error.code, message, { details: error.details, cause: error.cause, isRetryable: error.isRetryable });
}
