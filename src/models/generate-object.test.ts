import { describe, expect, it } from 'vitest';
import { HangjiaError } from '../errors/index.js';
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

  it('puts the tokens of a call whose output is unusable into the E_MODEL_OUTPUT error', async () => {
    // The model answered (and was paid for) even though its output cannot be used; cost accounting needs these tokens.
    const schema: JsonSchema = { type: 'object', properties: { months: { type: 'integer' } }, required: ['months'] };
    for (const text of ['not json', '{"months": "six"}']) {
      const error = await generateObject(createAnsweringModel(text), { messages: [{ role: 'user', content: '试用期？' }], schema }).catch((reason: unknown) => reason);
      expect(HangjiaError.is(error, 'E_MODEL_OUTPUT')).toBe(true);
      expect((error as HangjiaError).details).toMatchObject({ text, usage: { inputTokens: 3, outputTokens: 4 } });
    }
  });

  it('refuses an unsupported schema before calling the model', async () => {
    const model = createAnsweringModel('{}');
    await expect(generateObject(model, { messages: [], schema: { type: 'string', format: 'date' } as JsonSchema })).rejects.toThrow('"format"');
    expect(model.calls).toHaveLength(0);
  });
});
