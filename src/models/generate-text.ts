import type { LanguageModel, LanguageModelCallOptions, LanguageModelGenerateResult } from './language-model.js';

/**
 * Generates a complete reply with `model`. Throws what the adapter throws (`E_PROVIDER_*`,
 * `E_MODEL_LOAD`, `E_MODEL_NOT_FOUND`, `E_CONTEXT_OVERFLOW`), or the abort reason.
 *
 * @example
 * const { text, usage } = await generateText(model, {
 *   messages: [{ role: 'system', content: '你是劳动法专家。' }, { role: 'user', content: '试用期最长多久？' }],
 *   maxTokens: 256,
 * });
 */
export function generateText(model: LanguageModel, options: LanguageModelCallOptions): Promise<LanguageModelGenerateResult> {
  return model.doGenerate(options);
}
