import type { HangjiaConfig } from '../config/index.js';

/**
 * What serves the configured chat model, for a run's identity: the endpoint's base URL, or the
 * GGUF file plus any LoRA adapter (`modelId` names the file only, and an adapter changes answers).
 * Undefined when there is no model.
 */
export function modelSource(model: HangjiaConfig['model']): string | undefined {
  if (model.provider === 'openai-compatible') return model.baseURL;
  if (model.provider === 'llama-cpp') return model.loraPath ? `${model.modelPath ?? ''} + LoRA ${model.loraPath}` : model.modelPath;
  return undefined;
}
