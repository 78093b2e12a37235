import { HangjiaError } from '../../errors/index.js';
import { createContextOverflowError, createModelNotFoundError } from '../../models/index.js';

/** How servers say the prompt is too long: OpenAI/vLLM "maximum context length", llama.cpp server "context size", Ollama "context window". */
const CONTEXT_OVERFLOW = /context[ _](length|size|window)|maximum context|too many tokens|prompt is too long/i;
/** How servers say the model is unknown: OpenAI "model_not_found" / "does not exist", vLLM and Ollama "not found". */
const MODEL_NOT_FOUND = /model_not_found|model[^.]{0,80}(not found|does not exist|not exist)|no such model|unknown model/i;

/**
 * Turns the generic `E_PROVIDER_HTTP` of a chat request into the two failures a user can act on
 * differently: `E_MODEL_NOT_FOUND` (404, or a body saying so; some servers answer 400) and
 * `E_CONTEXT_OVERFLOW` (400/413 whose body mentions the context). Anything else passes through.
 */
export function classifyChatError(error: unknown, context: { modelId: string; modelsURL: string }): unknown {
  if (!HangjiaError.is(error, 'E_PROVIDER_HTTP')) return error;
  const { provider, url, statusCode, responseBody } = error.details as { provider: string; url: string; statusCode: number; responseBody: string };
  if ((statusCode === 400 || statusCode === 413) && CONTEXT_OVERFLOW.test(responseBody)) {
    return createContextOverflowError({ provider, modelId: context.modelId, responseBody, url });
  }
  if (statusCode === 404 || (statusCode === 400 && MODEL_NOT_FOUND.test(responseBody))) {
    return createModelNotFoundError({ provider, modelId: context.modelId, url, statusCode, responseBody, modelsURL: context.modelsURL });
  }
  return error;
}
