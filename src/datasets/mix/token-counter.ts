import { estimateTokens } from '../../chunking/index.js';
import { HangjiaError } from '../../errors/index.js';

/**
 * Counts tokens of texts. The mix planner's ratios are token ratios, so the counter decides what a
 * "15 %" means; use the target model's tokenizer when it is at hand.
 */
export interface TokenCounter {
  /** What counted, for reports: `estimateTokens (approximation)` or `gguf:<file>`. */
  readonly name: string;
  countTokens(texts: readonly string[]): Promise<number[]>;
  /** Releases a loaded tokenizer. */
  dispose?(): Promise<void>;
}

/**
 * The documented approximation from chunking (`estimateTokens`: one per CJK character, a quarter
 * per Latin letter, one per symbol). Within a few tens of percent of BPE tokenizers on Chinese, and
 * it errs in the same direction for every source, so ratios suffer less than absolute counts.
 */
export const estimatedTokenCounter: TokenCounter = {
  name: 'estimateTokens (approximation)',
  countTokens: async (texts) => texts.map(estimateTokens),
};

/**
 * The tokenizer of a GGUF model through node-llama-cpp, loaded vocabulary-only (no weights) and
 * only when called: node-llama-cpp is an optional dependency. Counts exclude BOS/EOS and chat
 * templates, which add a fixed few tokens per example to every source alike.
 *
 * Note: providers/llama-cpp owns llama.cpp access; its loader is private to that folder, so this
 * duplicates the few options that matter (never build or download, CPU only). Move it there as a
 * `createLlamaCppTokenizer` when that folder's owners agree.
 */
export async function loadGgufTokenCounter(modelPath: string): Promise<TokenCounter> {
  let library: typeof import('node-llama-cpp');
  try {
    library = await import('node-llama-cpp');
  } catch (cause) {
    throw new HangjiaError('E_MODEL_LOAD', `Counting tokens with ${modelPath} needs the optional package node-llama-cpp (npm install node-llama-cpp), or leave out --tokenizer to use the estimate.`, { details: { path: modelPath }, cause });
  }
  try {
    const llama = await library.getLlama({ build: 'never', skipDownload: true, progressLogs: false, gpu: false, logLevel: library.LlamaLogLevel.error, logger: () => {} });
    const model = await llama.loadModel({ modelPath, vocabOnly: true });
    return {
      name: `gguf:${modelPath}`,
      countTokens: async (texts) => texts.map((text) => model.tokenize(text).length),
      dispose: () => model.dispose(),
    };
  } catch (cause) {
    throw new HangjiaError('E_MODEL_LOAD', `Cannot load the tokenizer of ${modelPath}: ${(cause as Error).message}`, { details: { path: modelPath }, cause });
  }
}
