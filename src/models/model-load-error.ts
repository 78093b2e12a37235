import { HangjiaError } from '../errors/index.js';

/**
 * The error for a local model that cannot be loaded (missing runtime package, missing or corrupt
 * model file): code `E_MODEL_LOAD`. The message says how to fix it; `cause` keeps the original.
 */
export function createModelLoadError(options: {
  provider: string;
  modelId: string;
  /** What failed and how to fix it, e.g. 'node-llama-cpp is not installed. Run: npm install node-llama-cpp'. */
  reason: string;
  cause?: unknown;
  details?: Record<string, unknown>;
}): HangjiaError {
  const { provider, modelId, reason, cause, details } = options;
  return new HangjiaError('E_MODEL_LOAD', `Could not load ${provider} model "${modelId}": ${reason}`, {
    cause,
    details: { provider, modelId, ...details },
  });
}
