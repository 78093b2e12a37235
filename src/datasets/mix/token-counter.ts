import { estimateTokens } from '../../chunking/index.js';
import { HangjiaError } from '../../errors/index.js';
import { loadLlamaCppTokenizer, type LlamaCppTokenizer } from '../../providers/index.js';

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
 * The tokenizer of a GGUF model (`loadLlamaCppTokenizer`: vocabulary only, loaded now, through the
 * optional node-llama-cpp). Counts exclude BOS/EOS and chat templates, which add a fixed few
 * tokens per example to every source alike. Throws `E_MODEL_LOAD` naming the path.
 */
export async function loadGgufTokenCounter(modelPath: string): Promise<TokenCounter> {
  let tokenizer: LlamaCppTokenizer;
  try {
    tokenizer = await loadLlamaCppTokenizer(modelPath);
  } catch (error) {
    if (!HangjiaError.is(error, 'E_MODEL_LOAD')) throw error;
    // The mix has a fallback the provider cannot know of: say so.
    throw new HangjiaError('E_MODEL_LOAD', `${error.message} Or leave out --tokenizer to count with the estimate.`, { details: error.details, cause: error });
  }
  return {
    name: `gguf:${modelPath}`,
    countTokens: async (texts) => texts.map((text) => tokenizer.countTokens(text)),
    dispose: () => tokenizer.dispose(),
  };
}
