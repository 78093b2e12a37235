import { describe, expect, it } from 'vitest';
import { HangjiaError } from '../../errors/index.js';
import { generateText, streamText } from '../../models/index.js';
import { createLlamaCppChatModel } from './index.js';
import { runLanguageModelConformance } from '../../../test/conformance/language-model.case.js';
import { ensureTinyGguf } from '../../../test/fixtures/make-tiny-gguf.js';

// threads: 1 — the tiny model is instant on one thread, and more threads only add contention on CI.
// contextSize 2048: the function-calling instructions alone take ~870 of the tiny vocabulary's tokens.
runLanguageModelConformance('llama-cpp (tiny GGUF)', async () => {
  const model = createLlamaCppChatModel({ modelPath: await ensureTinyGguf(), threads: 1, contextSize: 2048 });
  return { model, maxTokens: 8, dispose: () => model.dispose() };
});

const MESSAGES = [{ role: 'user' as const, content: '劳动合同试用期最长多久' }];

describe('createLlamaCppChatModel', () => {
  it('declares the context size once loaded, counts tokens, and stops at maxTokens', async () => {
    const model = createLlamaCppChatModel({ modelPath: await ensureTinyGguf(), threads: 1, contextSize: 256 });
    expect(model.contextSize).toBeUndefined();
    const result = await generateText(model, { messages: MESSAGES, maxTokens: 5 });
    expect(model.contextSize).toBe(256);
    expect(result.finishReason).toBe('length');
    expect(result.usage.outputTokens).toBe(5);
    // The rendered prompt (template plus message) is longer than the message alone.
    expect(result.usage.inputTokens).toBeGreaterThan(10);
    await model.dispose();
  });

  it('is deterministic at temperature 0, across dispose and reload', async () => {
    const model = createLlamaCppChatModel({ modelPath: await ensureTinyGguf(), threads: 1, contextSize: 256 });
    const first = await generateText(model, { messages: MESSAGES, maxTokens: 6, temperature: 0 });
    await model.dispose();
    const second = await generateText(model, { messages: MESSAGES, maxTokens: 6, temperature: 0 });
    expect(second.text).toBe(first.text);
    await model.dispose();
  });

  it('stops before a stop string', async () => {
    const model = createLlamaCppChatModel({ modelPath: await ensureTinyGguf(), threads: 1, contextSize: 256 });
    const { text } = await generateText(model, { messages: MESSAGES, maxTokens: 8, temperature: 0 });
    // Stop at the third character of the unconstrained output: the text must end right before it.
    const stop = [...text][2] ?? '';
    const stopped = await generateText(model, { messages: MESSAGES, maxTokens: 8, temperature: 0, stop: [stop] });
    expect(stopped.finishReason).toBe('stop');
    expect(stopped.text).toBe(text.slice(0, text.indexOf(stop)));
    await model.dispose();
  });

  it('refuses a prompt longer than the context with E_CONTEXT_OVERFLOW, before generating', async () => {
    const model = createLlamaCppChatModel({ modelPath: await ensureTinyGguf(), threads: 1, contextSize: 256 });
    const long = [{ role: 'user' as const, content: '劳动合同'.repeat(400) }];
    const error = await generateText(model, { messages: long, maxTokens: 8 }).catch((reason: unknown) => reason);
    expect(HangjiaError.is(error, 'E_CONTEXT_OVERFLOW')).toBe(true);
    expect((error as HangjiaError).details).toMatchObject({ contextSize: 256, maxTokens: 8 });
    expect((error as HangjiaError).details.promptTokens).toBeGreaterThan(256);
    // Streams reject too: nothing was generated.
    expect(await model.doStream({ messages: long }).catch((reason: unknown) => (reason as HangjiaError).code)).toBe('E_CONTEXT_OVERFLOW');
    await model.dispose();
  });

  it('reports a missing model or LoRA file as E_MODEL_LOAD naming the path', async () => {
    const missingModel = createLlamaCppChatModel({ modelPath: '/nonexistent/model.gguf', threads: 1 });
    const modelError = await generateText(missingModel, { messages: MESSAGES }).catch((reason: unknown) => reason);
    expect(HangjiaError.is(modelError, 'E_MODEL_LOAD')).toBe(true);
    expect((modelError as HangjiaError).message).toContain('/nonexistent/model.gguf');

    const missingLora = createLlamaCppChatModel({ modelPath: await ensureTinyGguf(), loraPath: '/nonexistent/adapter.gguf', threads: 1 });
    const loraError = streamText(missingLora, { messages: MESSAGES }).completion;
    await expect(loraError).rejects.toThrow('no readable LoRA adapter file at /nonexistent/adapter.gguf');
  });
});
