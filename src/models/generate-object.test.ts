import { describe, expect, it } from 'vitest';
import { generateObject } from './generate-object.js';
import type { JsonSchema } from './json-schema.js';
import type { LanguageModel } from './language-model.js';

/** A model that answers `text` from doGenerate and records the options it got. */
function createAnsweringModel(text: string): LanguageModel & { calls: unknown[] } {
  const calls: unknown[] = [];
  return {
    specificationVersion: 'v1',
    provider: 'test',
    modelId: 'scripted',
    calls,
    async doGenerate(options) {
      calls.push(options);
      return { text, finishReason: 'stop', usage: { inputTokens: 3, outputTokens: 4 } };
    },
    async doStream() {
      throw new Error('not used');
    },
  };
}

describe('generateObject', () => {
  it('sends the schema as a JSON response format and returns the validated object', async () => {
    const model = createAnsweringModel('{"months": 6}');
    const schema: JsonSchema = { type: 'object', properties: { months: { type: 'integer' } }, required: ['months'] };
    const result = await generateObject<{ months: number }>(model, { messages: [{ role: 'user', content: '试用期？' }], schema, maxTokens: 20 });
    expect(result).toEqual({ object: { months: 6 }, text: '{"months": 6}', finishReason: 'stop', usage: { inputTokens: 3, outputTokens: 4 } });
    expect(model.calls[0]).toEqual({
      messages: [{ role: 'user', content: '试用期？' }],
      maxTokens: 20,
      responseFormat: { type: 'json', schema, name: 'response' },
    });
  });

  it('refuses an unsupported schema before calling the model', async () => {
    const model = createAnsweringModel('{}');
    await expect(generateObject(model, { messages: [], schema: { type: 'string', format: 'date' } as JsonSchema })).rejects.toThrow('"format"');
    expect(model.calls).toHaveLength(0);
  });
});
