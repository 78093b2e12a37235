/**
 * Loads node-llama-cpp on demand and shares one `Llama` (the loaded native backend) between every
 * llama.cpp adapter in the process: loading it costs hundreds of milliseconds and its memory
 * accounting assumes one instance. node-llama-cpp is an optional peer dependency, so it is imported
 * dynamically and only by commands that need it.
 */
import { access } from 'node:fs/promises';
import os from 'node:os';
import type { Llama, LlamaModel } from 'node-llama-cpp';
import { createModelLoadError } from '../../models/index.js';

export type NodeLlamaCpp = typeof import('node-llama-cpp');

/** The last llama.cpp log lines, kept for error details because library code never prints. */
const recentLogLines: string[] = [];
const RECENT_LOG_LINE_LIMIT = 20;

let sharedLlama: Promise<{ library: NodeLlamaCpp; llama: Llama }> | undefined;

/** Imports node-llama-cpp and loads the CPU backend once; a failed attempt is forgotten so a later call can retry. */
function getSharedLlama(modelId: string): Promise<{ library: NodeLlamaCpp; llama: Llama }> {
  sharedLlama ??= loadLlama(modelId).catch((error: unknown) => {
    sharedLlama = undefined;
    throw error;
  });
  return sharedLlama;
}

/** Log lines llama.cpp emitted recently (warnings and errors), newest last. */
export function getRecentLlamaLog(): string[] {
  return [...recentLogLines];
}

async function loadLlama(modelId: string): Promise<{ library: NodeLlamaCpp; llama: Llama }> {
  let library: NodeLlamaCpp;
  try {
    library = await import('node-llama-cpp');
  } catch (cause) {
    throw createModelLoadError({
      provider: 'llama-cpp',
      modelId,
      reason: 'the optional package node-llama-cpp is not installed (or failed to import). Run: npm install node-llama-cpp',
      cause,
    });
  }
  try {
    const llama = await library.getLlama({
      // Never download sources or compile at run time: use the prebuilt binary or fail with a clear error.
      build: 'never',
      skipDownload: true,
      progressLogs: false,
      gpu: false,
      logLevel: library.LlamaLogLevel.warn,
      logger: (level, message) => {
        recentLogLines.push(`${level}: ${message.trimEnd()}`);
        if (recentLogLines.length > RECENT_LOG_LINE_LIMIT) recentLogLines.shift();
      },
    });
    return { library, llama };
  } catch (cause) {
    throw createModelLoadError({
      provider: 'llama-cpp',
      modelId,
      reason:
        `node-llama-cpp has no usable prebuilt binary for ${process.platform}-${process.arch} (${String(cause)}). ` +
        `Install the matching binary package (e.g. npm install @node-llama-cpp/${process.platform}-${process.arch}) or build one with: npx --no node-llama-cpp source build`,
      cause,
      details: { llamaLog: getRecentLlamaLog() },
    });
  }
}

/**
 * Loads a GGUF file with the shared backend (`vocabOnly`: its tokenizer only). Fails with
 * `E_MODEL_LOAD` naming the path when the file is missing or unreadable, or when llama.cpp cannot
 * read it (with llama.cpp's recent log lines in the details).
 */
export async function loadGgufModel(
  modelPath: string,
  options: { vocabOnly?: boolean } = {},
): Promise<{ library: NodeLlamaCpp; llama: Llama; model: LlamaModel }> {
  const { library, llama } = await getSharedLlama(modelPath);
  try {
    await access(modelPath);
  } catch (cause) {
    throw createModelLoadError({ provider: 'llama-cpp', modelId: modelPath, reason: `no readable model file at ${modelPath}`, cause, details: { path: modelPath } });
  }
  try {
    const model = await llama.loadModel({ modelPath, ...(options.vocabOnly ? { vocabOnly: true } : {}) });
    return { library, llama, model };
  } catch (cause) {
    const what = options.vocabOnly ? 'the vocabulary of' : '';
    throw createModelLoadError({
      provider: 'llama-cpp',
      modelId: modelPath,
      reason: `llama.cpp could not read ${what ? `${what} ` : ''}${modelPath} (${String(cause)}). Check that the file is a complete GGUF model of an architecture this node-llama-cpp supports.`,
      cause,
      details: { llamaLog: getRecentLlamaLog() },
    });
  }
}

/**
 * Threads for evaluation: the cores useful for math (physical, performance cores), capped by what
 * this process may use. node-llama-cpp's own default of at least 4 threads oversubscribes small
 * machines and ran 200–800× slower on a 2-core box.
 */
export function defaultThreadCount(llama: Llama): number {
  return Math.max(1, Math.min(os.availableParallelism(), llama.cpuMathCores));
}
