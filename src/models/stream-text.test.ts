import { describe, expect, it } from 'vitest';
import { HangjiaError } from '../errors/index.js';
import type { LanguageModel } from './language-model.js';
import type { LanguageModelStreamPart } from './language-model-stream-part.js';
import { streamText } from './stream-text.js';

/** A model that replays `parts` from doStream, or fails with `streamError` before streaming. */
function createScriptedModel(script: { parts?: LanguageModelStreamPart[]; streamError?: Error }): LanguageModel {
  return {
    specificationVersion: 'v1',
    provider: 'test',
    modelId: 'scripted',
    async doGenerate() {
      throw new Error('not used');
    },
    async doStream() {
      if (script.streamError !== undefined) throw script.streamError;
      return {
        stream: (async function* () {
          yield* script.parts ?? [];
        })(),
      };
    },
  };
}

const USAGE = { inputTokens: 1, outputTokens: 2 };

describe('streamText', () => {
  it('yields parts and resolves with the full text', async () => {
    const model = createScriptedModel({
      parts: [{ type: 'text-delta', delta: '六' }, { type: 'text-delta', delta: '个月' }, { type: 'finish', finishReason: 'stop', usage: USAGE }],
    });
    const result = streamText(model, { messages: [] });
    const types: string[] = [];
    for await (const part of result) types.push(part.type);
    expect(types).toEqual(['text-delta', 'text-delta', 'finish']);
    expect(await result.completion).toEqual({ text: '六个月', finishReason: 'stop', usage: USAGE, incomplete: false });
  });

  it('keeps the text that arrived before a mid-stream error, marked incomplete, without iterating', async () => {
    const error = new HangjiaError('E_PROVIDER_STREAM', 'broke off');
    const model = createScriptedModel({
      parts: [{ type: 'text-delta', delta: '劳动' }, { type: 'error', error }, { type: 'finish', finishReason: 'error', usage: USAGE }],
    });
    expect(await streamText(model, { messages: [] }).completion).toEqual({ text: '劳动', finishReason: 'error', usage: USAGE, incomplete: true, error });
  });

  it('rejects both the iteration and the completion when the call fails before any text', async () => {
    const model = createScriptedModel({ streamError: new HangjiaError('E_PROVIDER_AUTH', 'bad key') });
    const result = streamText(model, { messages: [] });
    await expect(result.completion).rejects.toThrow('bad key');
    await expect((async () => {
      for await (const part of result) expect(part).toBeUndefined();
    })()).rejects.toThrow('bad key');
  });

  it('treats a stream that ends without a finish part as incomplete', async () => {
    const model = createScriptedModel({ parts: [{ type: 'text-delta', delta: '劳' }] });
    expect(await streamText(model, { messages: [] }).completion).toMatchObject({ text: '劳', finishReason: 'error', incomplete: true });
  });
});
