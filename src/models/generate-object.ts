import type { JsonSchema } from './json-schema.js';
import type { FinishReason, LanguageModel, LanguageModelCallOptions, LanguageModelUsage } from './language-model.js';
import { parseJsonOutput } from './parse-json-output.js';
import { assertSupportedJsonSchema } from './validate-json-schema.js';

export interface GenerateObjectOptions extends Omit<LanguageModelCallOptions, 'responseFormat'> {
  /** What the output must match; only the `JsonSchema` subset (anything else throws `E_SCHEMA_UNSUPPORTED`). */
  schema: JsonSchema;
  /** Sent as the schema's name where endpoints want one. Default 'response'. */
  schemaName?: string;
}

export interface GenerateObjectResult<T> {
  /** The parsed output, validated against the schema. */
  object: T;
  /** The raw text the model produced. */
  text: string;
  finishReason: FinishReason;
  usage: LanguageModelUsage;
}

/**
 * Generates JSON matching `schema`: the adapter constrains the output (an endpoint's
 * `response_format`, a llama.cpp grammar), and the result is parsed and validated here anyway,
 * because endpoints may ignore the format and grammars admit exponent integers (`176e-2`).
 *
 * Throws `E_MODEL_OUTPUT` (raw text, violations and the call's `usage` in `details`, so callers
 * can count the tokens of calls whose output was unusable) when the output is not valid, plus
 * whatever `generateText` throws. `T` is the caller's promise about the schema; it is not
 * inferred from it.
 *
 * @example
 * const { object } = await generateObject<{ answer: string }>(model, {
 *   messages: [{ role: 'user', content: '试用期最长多久？用 JSON 回答。' }],
 *   schema: { type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'] },
 * });
 */
export async function generateObject<T = unknown>(model: LanguageModel, options: GenerateObjectOptions): Promise<GenerateObjectResult<T>> {
  const { schema, schemaName = 'response', ...callOptions } = options;
  assertSupportedJsonSchema(schema);
  const result = await model.doGenerate({ ...callOptions, responseFormat: { type: 'json', schema, name: schemaName } });
  const object = parseJsonOutput(result.text, schema, { provider: model.provider, modelId: model.modelId, finishReason: result.finishReason, usage: result.usage }) as T;
  return { object, text: result.text, finishReason: result.finishReason, usage: result.usage };
}
