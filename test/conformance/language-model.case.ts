/**
 * The shared suite every `LanguageModel` adapter runs (after Hono's `src/router/common.case.test.ts`).
 * It asserts on shape, not wording, so that a random-weight model passes exactly when an adapter
 * keeps the contract: deltas are non-empty and concatenate to the text `generateText` returns for
 * the same greedy call; exactly one `finish` part, last; an abort ends the stream at once with
 * `finishReason: 'abort'`; an abort before the call rejects with the caller's reason; JSON output
 * parses and validates against the schema.
 *
 * @example
 * runLanguageModelConformance('llama-cpp', async () => ({ model: createLlamaCppChatModel({ … }), dispose: … }));
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  generateObject,
  generateText,
  generateWithTools,
  streamText,
  type LanguageModelTool,
  type JsonSchema,
  type LanguageModel,
  type LanguageModelCallOptions,
  type LanguageModelStreamPart,
} from '../../src/models/index.js';

export interface LanguageModelConformanceSubject {
  model: LanguageModel;
  /** Releases the model and anything the test started for it (a server, native memory). */
  dispose?: () => Promise<void>;
  /** Called before each JSON-output call, e.g. to queue a scripted reply that matches `schema`. */
  prepareJsonReply?: (schema: JsonSchema) => void;
  /** Tokens to generate in the text tests: small, so local models stay fast. */
  maxTokens: number;
  /**
   * Called before each tool-calling call, e.g. to queue a scripted reply calling `tool`. When
   * given, the suite also requires the call to happen; a random-weight model may answer in text.
   */
  prepareToolCallReply?: (tool: LanguageModelTool) => void;
}

const CALCULATE_TOOL: LanguageModelTool = {
  name: 'calculate',
  description: 'Exact decimal arithmetic on an expression such as 3000*2+500.',
  parameters: { type: 'object', properties: { expression: { type: 'string', enum: ['3000*2', '3000*3'] } }, required: ['expression'], additionalProperties: false },
};

const MESSAGES: LanguageModelCallOptions['messages'] = [
  { role: 'system', content: '你是劳动法专家，回答简短。' },
  { role: 'user', content: '劳动合同试用期最长多久' },
];

/**
 * Closed choices only: over random weights a grammar's free strings run to maxTokens and its
 * numbers take wild exponents (both covered by unit tests), while enums and booleans always end.
 */
const ANSWER_SCHEMA: JsonSchema = {
  type: 'object',
  properties: { answerable: { type: 'boolean' }, confidence: { type: 'string', enum: ['high', 'low'] } },
  required: ['answerable', 'confidence'],
  additionalProperties: false,
};

async function collect(stream: AsyncIterable<LanguageModelStreamPart>): Promise<LanguageModelStreamPart[]> {
  const parts: LanguageModelStreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

export function runLanguageModelConformance(name: string, make: () => Promise<LanguageModelConformanceSubject>): void {
  describe(`LanguageModel conformance: ${name}`, () => {
    let subject: LanguageModelConformanceSubject;
    let options: LanguageModelCallOptions;
    beforeAll(async () => {
      subject = await make();
      options = { messages: MESSAGES, maxTokens: subject.maxTokens, temperature: 0 };
    });
    afterAll(async () => {
      await subject?.dispose?.();
    });

    it('generates text with a finish reason and usage', async () => {
      const result = await generateText(subject.model, options);
      expect(result.text.length).toBeGreaterThan(0);
      expect(['stop', 'length']).toContain(result.finishReason);
      expect(Object.keys(result.usage).sort()).toEqual(['inputTokens', 'outputTokens']);
      if (result.usage.outputTokens !== undefined) expect(result.usage.outputTokens).toBeGreaterThan(0);
      if (result.usage.inputTokens !== undefined) expect(result.usage.inputTokens).toBeGreaterThan(0);
    });

    it('streams non-empty deltas that concatenate to the generated text, then exactly one finish part', async () => {
      const { text } = await generateText(subject.model, options);
      const { stream } = await subject.model.doStream(options);
      const parts = await collect(stream);
      const deltas = parts.flatMap((part) => (part.type === 'text-delta' ? [part.delta] : []));
      expect(deltas.length).toBeGreaterThan(0);
      for (const delta of deltas) expect(delta).not.toBe('');
      expect(deltas.join('')).toBe(text);
      expect(parts.filter((part) => part.type === 'finish')).toHaveLength(1);
      const last = parts.at(-1);
      expect(last?.type).toBe('finish');
      if (last?.type === 'finish') expect(['stop', 'length']).toContain(last.finishReason);
      expect(parts.some((part) => part.type === 'error')).toBe(false);
    });

    it('streamText resolves with the same text, complete', async () => {
      const { text } = await generateText(subject.model, options);
      const result = streamText(subject.model, options);
      let streamed = '';
      for await (const part of result) if (part.type === 'text-delta') streamed += part.delta;
      const completion = await result.completion;
      expect(completion.text).toBe(text);
      expect(streamed).toBe(text);
      expect(completion.incomplete).toBe(false);
    });

    it('ends the stream with finishReason "abort" right after the abort, keeping earlier text', async () => {
      const controller = new AbortController();
      const { stream } = await subject.model.doStream({ ...options, abortSignal: controller.signal });
      const parts: LanguageModelStreamPart[] = [];
      for await (const part of stream) {
        parts.push(part);
        if (part.type === 'text-delta') controller.abort(new Error('user cancelled'));
      }
      expect(parts.map((part) => part.type)).toEqual(['text-delta', 'finish']);
      expect(parts[1]).toMatchObject({ type: 'finish', finishReason: 'abort' });
    });

    it("rejects with the caller's reason when aborted before the call", async () => {
      const controller = new AbortController();
      controller.abort(new Error('already cancelled'));
      await expect(generateText(subject.model, { ...options, abortSignal: controller.signal })).rejects.toThrow('already cancelled');
      await expect(subject.model.doStream({ ...options, abortSignal: controller.signal })).rejects.toThrow('already cancelled');
    });

    it('calls tools: every call names an offered tool with a JSON-object argument, with a unique id', async () => {
      subject.prepareToolCallReply?.(CALCULATE_TOOL);
      const result = await generateWithTools(subject.model, {
        messages: [{ role: 'user', content: '押金3000元，扣了两个月，共多少？用 calculate 算。' }],
        tools: [CALCULATE_TOOL],
        maxTokens: 32,
        temperature: 0,
      });
      expect(['stop', 'length', 'tool-calls']).toContain(result.finishReason);
      if (subject.prepareToolCallReply) expect(result.toolCalls.length).toBeGreaterThan(0);
      expect(result.finishReason === 'tool-calls').toBe(result.toolCalls.length > 0);
      expect(new Set(result.toolCalls.map((call) => call.id)).size).toBe(result.toolCalls.length);
      for (const call of result.toolCalls) {
        expect(call.name).toBe('calculate');
        const args = JSON.parse(call.arguments) as unknown;
        expect(typeof args === 'object' && args !== null && !Array.isArray(args)).toBe(true);
      }
    });

    it('continues a conversation that holds a tool call and its result', async () => {
      const result = await generateWithTools(subject.model, {
        messages: [
          { role: 'user', content: '押金3000元，扣了两个月，共多少？' },
          { role: 'assistant', content: '', toolCalls: [{ id: 'call_0', name: 'calculate', arguments: '{"expression":"3000*2"}' }] },
          { role: 'tool', toolCallId: 'call_0', name: 'calculate', content: '6000' },
        ],
        tools: [CALCULATE_TOOL],
        toolChoice: 'none',
        maxTokens: subject.maxTokens,
        temperature: 0,
      });
      expect(result.toolCalls).toEqual([]);
      expect(['stop', 'length']).toContain(result.finishReason);
      expect(typeof result.text).toBe('string');
    });

    it('produces JSON that parses and validates against the schema', async () => {
      subject.prepareJsonReply?.(ANSWER_SCHEMA);
      const result = await generateObject<{ answerable: boolean; confidence: string }>(subject.model, {
        messages: [...MESSAGES, { role: 'user', content: '用 JSON 回答。' }],
        schema: ANSWER_SCHEMA,
        maxTokens: 64,
        temperature: 0,
      });
      expect(typeof result.object.answerable).toBe('boolean');
      expect(['high', 'low']).toContain(result.object.confidence);
      expect(JSON.parse(result.text)).toEqual(result.object);
    });
  });
}
