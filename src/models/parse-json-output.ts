import type { JsonSchema } from './json-schema.js';
import type { FinishReason, LanguageModelUsage } from './language-model.js';
import { parseJsonWithSources } from './_parse-json-with-sources.js';
import { createModelOutputError } from './model-output-error.js';
import { validateJsonSchema } from './validate-json-schema.js';

/** A reply wrapped in a Markdown code fence, as chat models without a grammar like to write JSON. */
const CODE_FENCE = /^```(?:json)?\s*\n([\s\S]*?)\n?```$/;

/**
 * Parses a model's text as JSON and checks it against `schema`. Tolerates surrounding whitespace
 * and one Markdown code fence; rejects everything else, including integers written with an
 * exponent (`176e-2`), which llama.cpp's JSON grammar admits.
 *
 * Throws `E_MODEL_OUTPUT` with the raw text and every violation in `details` (and `context.usage`,
 * when given, as `details.usage`).
 *
 * @example
 * const value = parseJsonOutput('{"n": 3}', { type: 'object', properties: { n: { type: 'integer' } } }, context);
 */
export function parseJsonOutput(
  text: string,
  schema: JsonSchema,
  context: { provider: string; modelId: string; finishReason: FinishReason; usage?: LanguageModelUsage },
): unknown {
  const trimmed = text.trim();
  const unfenced = CODE_FENCE.exec(trimmed)?.[1] ?? trimmed;
  let parsed: ReturnType<typeof parseJsonWithSources>;
  try {
    parsed = parseJsonWithSources(unfenced);
  } catch (cause) {
    throw createModelOutputError({ ...context, problem: `is not JSON (${(cause as Error).message})`, text, cause });
  }
  const problems = validateJsonSchema(parsed.value, schema, { numberSource: (pointer) => parsed.numberSources.get(pointer) });
  if (problems.length > 0) {
    throw createModelOutputError({ ...context, problem: `does not match the schema (${problems.join('; ')})`, problems, text });
  }
  return parsed.value;
}
