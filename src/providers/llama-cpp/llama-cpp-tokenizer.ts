import { loadGgufModel } from './_llama.js';

export interface LlamaCppTokenizer {
  /** The GGUF file whose vocabulary this is. */
  readonly modelPath: string;
  /** Tokens in `text` under the model's vocabulary, without BOS/EOS or a chat template. */
  countTokens(text: string): number;
  /** Frees the vocabulary; the shared llama.cpp backend stays loaded for other adapters. */
  dispose(): Promise<void>;
}

/**
 * Loads the tokenizer of a GGUF model in-process with node-llama-cpp (optional peer dependency,
 * imported on first use): the vocabulary only (`vocabOnly`), no weights, so even a large model
 * loads quickly and in little memory. Runs on the CPU and never downloads or compiles anything.
 *
 * Counts leave out BOS/EOS and chat templates, which add the same few tokens to every text;
 * callers that need exact training lengths add them.
 *
 * Errors: `E_MODEL_LOAD` (package missing, no binary, unreadable or non-GGUF file), naming the path.
 *
 * @example
 * const tokenizer = await loadLlamaCppTokenizer('models/qwen2.5-7b-instruct-q4_k_m.gguf');
 * try { console.log(tokenizer.countTokens('劳动合同试用期最长多久？')); } finally { await tokenizer.dispose(); }
 */
export async function loadLlamaCppTokenizer(modelPath: string): Promise<LlamaCppTokenizer> {
  const { model } = await loadGgufModel(modelPath, { vocabOnly: true });
  return {
    modelPath,
    countTokens: (text) => model.tokenize(text).length,
    dispose: () => model.dispose(),
  };
}
