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

export default defineCommand({
  meta: { name: 'pull', description: `Download a recommended small instruct GGUF to $HANGJIA_HOME/models/ (resumes interrupted downloads)` },
  args: {
    name: { type: 'positional', description: `Model to download: ${Object.keys(RECOMMENDED_MODELS).join(', ')} (default ${DEFAULT_MODEL})`, required: false },
    ...COMMON_ARGS,
  },
  async run({ args, data }) {
    const { session, terminal, loaded } = openSession(data, args);
    const name = args.name ?? DEFAULT_MODEL;
    const entry = RECOMMENDED_MODELS[name];
    if (!entry) {
      throw new HangjiaError('E_USAGE', `Unknown model "${name}"; choose one of ${Object.keys(RECOMMENDED_MODELS).join(', ')}.`, { details: { setting: 'name', value: name } });
    }
    const base = (session.env['HANGJIA_MODEL_PULL_URL'] || MODEL_PULL_BASE_URL).replace(/\/+$/, '');
    const url = `${base}/${entry.path}`;
    const directory = path.join(loaded.config.home, 'models');
    const target = path.join(directory, entry.file);
    const partial = `${target}.part`;
    const report = (result: Record<string, unknown>, text: string): void => (terminal.json ? terminal.outJson(result) : terminal.out(text));
    const useLine = `HANGJIA_MODEL_PROVIDER=llama-cpp HANGJIA_MODEL_PATH=${target}`;
    if (fs.existsSync(target)) {
      return report({ name, path: target, bytes: fs.statSync(target).size, downloaded: false }, `${name} is already downloaded: ${target}\nUse it with: ${useLine}`);
    }
    fs.mkdirSync(directory, { recursive: true });
    const offset = fs.existsSync(partial) ? fs.statSync(partial).size : 0;
    terminal.info(`Downloading ${name} from ${url}${offset > 0 ? ` (resuming at ${formatBytes(offset)})` : ''}`);

    let response: Response;
    try {
      response = await fetch(url, { headers: offset > 0 ? { range: `bytes=${offset}-` } : {}, signal: AbortSignal.timeout(CONNECT_TIMEOUT_MS), redirect: 'follow' });
    } catch (cause) {
      throw offlineError(url, cause);
    }
    if (response.status === 416 && offset > 0) {
      // The partial file is already complete (the last run died before renaming it).
      fs.renameSync(partial, target);
      return report({ name, path: target, bytes: offset, downloaded: true }, `Downloaded ${name}: ${target}\nUse it with: ${useLine}`);
    }
    if (response.status !== 200 && response.status !== 206) {
      throw new HangjiaError('E_MODEL_DOWNLOAD', `Downloading ${url} failed with HTTP ${response.status}. Try again later, or set HANGJIA_MODEL_PULL_URL to a mirror.`, {
        details: { url, status: response.status },
        isRetryable: response.status >= 500 || response.status === 429,
      });
    }
    const resumed = response.status === 206;
    const start = resumed ? offset : 0;
    const length = Number(response.headers.get('content-length') ?? NaN);
    const total = Number.isFinite(length) ? start + length : entry.approximateBytes;
    const output = fs.createWriteStream(partial, { flags: resumed ? 'a' : 'w' });
    let done = start;
    try {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) {
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
      await new Promise<void>((resolve) => output.end(() => resolve()));
      terminal.endProgress();
    }
    if (Number.isFinite(length) && done !== start + length) {
      throw new HangjiaError('E_MODEL_DOWNLOAD', `The download of ${url} ended at ${formatBytes(done)} of ${formatBytes(start + length)}. Run "hangjia model pull ${name}" again to resume.`, {
        details: { url, bytes: done },
        isRetryable: true,
      });
    }
    fs.renameSync(partial, target);
    report({ name, path: target, bytes: done, downloaded: true, resumedFrom: resumed ? offset : 0 }, `Downloaded ${name}: ${target}\nUse it with: ${useLine}`);
  },
});

function offlineError(url: string, cause: unknown): HangjiaError {
  let reason = 'no connection';
  for (let current = cause, depth = 0; current && depth < 5; depth++) {
    const code = (current as { code?: unknown }).code ?? ((current as { name?: unknown }).name === 'TimeoutError' ? 'timed out' : undefined);
    if (typeof code === 'string') {
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
