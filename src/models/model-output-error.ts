import { HangjiaError } from '../errors/index.js';
import type { FinishReason, LanguageModelUsage } from './language-model.js';

/** Longest part of the model's text kept in the message; `details.text` keeps all of it. */
const TEXT_EXCERPT_LENGTH = 300;

/**
 * The error for model output that does not have the required shape (not JSON, or JSON that breaks
 * the schema): code `E_MODEL_OUTPUT`. `details.text` holds the raw output, `details.problems`
 * every violation, and `details.usage` (when given) the tokens the call cost: the model answered,
 * so the call is paid for even though its output is unusable, and cost accounting must count it.
 * Not retryable as such; a retry at another temperature may help.
 */
export function createModelOutputError(options: {
  provider: string;
  modelId: string;
  /** What was wrong, e.g. 'the output is not JSON (expected "," or "}" at offset 12)'. */
  problem: string;
  problems?: string[];
  text: string;
  finishReason: FinishReason;
  /** Tokens of the call that produced `text`, as the backend reported them. */
  usage?: LanguageModelUsage;
  cause?: unknown;
}): HangjiaError {
  const { provider, modelId, problem, problems = [], text, finishReason, usage, cause } = options;
  const excerpt = text.length <= TEXT_EXCERPT_LENGTH ? text : `${text.slice(0, TEXT_EXCERPT_LENGTH)}… (${text.length} characters)`;
  const hint =
    finishReason === 'length'
      ? 'Generation stopped at maxTokens, so the output is probably cut off: raise maxTokens.'
      : 'Check that the endpoint honours response_format json_schema, or simplify the schema.';
  return new HangjiaError('E_MODEL_OUTPUT', `${provider} model "${modelId}" returned output that ${problem}. ${hint} Output: ${excerpt}`, {
    cause,
    details: { provider, modelId, problems, text, finishReason, ...(usage === undefined ? {} : { usage }) },
  });
}
