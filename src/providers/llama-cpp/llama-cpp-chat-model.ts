import { access } from 'node:fs/promises';
import type { ChatHistoryItem, ChatModelFunctionCall, ChatModelFunctions, GbnfJsonSchema, LlamaChat, LlamaContext, LlamaGrammar, LlamaModel } from 'node-llama-cpp';
import { HangjiaError } from '../../errors/index.js';
import type {
  DisposableLanguageModel,
  FinishReason,
  LanguageModelCallOptions,
  LanguageModelGenerateResult,
  LanguageModelStreamPart,
  LanguageModelToolCallOptions,
  LanguageModelToolCallResult,
  ToolCallingLanguageModel,
  ToolConversationMessage,
} from '../../models/index.js';
import { createContextOverflowError, createModelLoadError } from '../../models/index.js';
import { defaultThreadCount, getRecentLlamaLog, loadGgufModel } from './_llama.js';

export interface LlamaCppChatSettings {
  /** Path to a GGUF chat model, e.g. `models/qwen2.5-7b-instruct-q4_k_m.gguf`. */
  modelPath: string;
  /** CPU threads for evaluation. Default: the physical cores this process can use (see `_llama.ts`). */
  threads?: number;
  /**
   * Tokens the context holds (prompt plus reply). Default: as many as memory allows up to the
   * model's trained size, capped at 8192 so a 128k-context model does not reserve gigabytes of
   * cache for prompts that never come.
   */
  contextSize?: number;
  /** A LoRA adapter in GGUF form applied on top of the model, e.g. one fine-tuned with `hangjia` datasets. */
  loraPath?: string;
}

const PROVIDER = 'llama-cpp';
const DEFAULT_MAX_CONTEXT_SIZE = 8192;

interface Loaded {
  model: LlamaModel;
  context: LlamaContext;
  chat: LlamaChat;
}

/** A call ready to run: the history in node-llama-cpp's form, its prompt length, and the grammar. */
interface PreparedCall {
  loaded: Loaded;
  history: ChatHistoryItem[];
  promptTokens: number;
  grammar: LlamaGrammar | undefined;
  functions: ChatModelFunctions | undefined;
}

/**
 * A `LanguageModel` running a GGUF chat model in-process with node-llama-cpp (optional peer
 * dependency, imported on first use), on the CPU. The prompt is rendered with the model's own chat
 * template (node-llama-cpp's `resolveChatWrapper`: the GGUF's Jinja template or a known family,
 * falling back to a generic one). JSON output is constrained by a grammar built from the schema.
 *
 * One context sequence serves every call, so calls run one after another. A prompt that does not
 * fit the context throws `E_CONTEXT_OVERFLOW` instead of silently dropping its beginning (which
 * node-llama-cpp's context shift would do, losing the retrieved passages).
 *
 * Errors: `E_MODEL_LOAD` (package, binary, model or LoRA file), `E_CONTEXT_OVERFLOW`,
 * `E_SCHEMA_UNSUPPORTED` (a schema no grammar can express). `dispose()` frees context and model.
 *
 * @example
 * const model = createLlamaCppChatModel({ modelPath: 'models/qwen2.5-1.5b-instruct-q4_k_m.gguf', threads: 2 });
 * try { console.log((await generateText(model, { messages, maxTokens: 256 })).text); } finally { await model.dispose(); }
 */
export function createLlamaCppChatModel(settings: LlamaCppChatSettings): DisposableLanguageModel & ToolCallingLanguageModel {
  const { modelPath, loraPath } = settings;
  let loaded: Promise<Loaded> | undefined;
  let contextSize: number | undefined;
  // One sequence evaluates one conversation at a time: calls wait for each other.
  let queue: Promise<unknown> = Promise.resolve();
  const grammars = new Map<string, Promise<LlamaGrammar>>();

  const loadError = (reason: string, cause: unknown, details: Record<string, unknown> = {}): HangjiaError =>
    createModelLoadError({ provider: PROVIDER, modelId: modelPath, reason, cause, details: { ...details, llamaLog: getRecentLlamaLog() } });

  const load = async (): Promise<Loaded> => {
    if (loraPath !== undefined) {
      await access(loraPath).catch((cause: unknown) => {
        throw loadError(`no readable LoRA adapter file at ${loraPath}`, cause, { path: loraPath });
      });
    }
    const { library, llama, model } = await loadGgufModel(modelPath);
    try {
      const context = await model.createContext({
        threads: settings.threads ?? defaultThreadCount(llama),
        contextSize: settings.contextSize ?? { max: DEFAULT_MAX_CONTEXT_SIZE },
        ...(loraPath === undefined ? {} : { lora: { adapters: [{ filePath: loraPath }] } }),
      });
      contextSize = context.contextSize;
      const chat = new library.LlamaChat({ contextSequence: context.getSequence() });
      return { model, context, chat };
    } catch (cause) {
      await model.dispose();
      const what = loraPath === undefined ? 'a context' : `a context with the LoRA adapter ${loraPath} (is it made for this base model?)`;
      throw loadError(`could not create ${what}: ${String(cause)}. Try a smaller contextSize.`, cause, { contextSize: settings.contextSize, loraPath });
    }
  };

  const ensureLoaded = (): Promise<Loaded> => {
    loaded ??= load().catch((error: unknown) => {
      loaded = undefined;
      throw error;
    });
    return loaded;
  };

  const grammarFor = (current: Loaded, schema: object): Promise<LlamaGrammar> => {
    const key = JSON.stringify(schema);
    let grammar = grammars.get(key);
    if (grammar === undefined) {
      // Our `JsonSchema` is a subset of node-llama-cpp's; its generic signature cannot see that.
      grammar = current.model.llama.createGrammarForJsonSchema<GbnfJsonSchema>(schema as GbnfJsonSchema).catch((cause: unknown) => {
        grammars.delete(key);
        throw new HangjiaError('E_SCHEMA_UNSUPPORTED', `node-llama-cpp cannot turn this JSON schema into a grammar: ${String(cause)}`, {
          cause,
          details: { provider: PROVIDER, modelId: modelPath },
        });
      });
      grammars.set(key, grammar);
    }
    return grammar;
  };

  /** Loads, renders and measures the prompt, and builds the grammar: every failure that can come before the first token. */
  const prepare = async (
    options: LanguageModelCallOptions | LanguageModelToolCallOptions,
    functions?: ChatModelFunctions,
  ): Promise<PreparedCall> => {
    options.abortSignal?.throwIfAborted();
    const current = await ensureLoaded();
    const history = toChatHistory(options.messages);
    const { contextText } = current.chat.chatWrapper.generateContextState({
      chatHistory: history,
      ...(functions === undefined ? {} : { availableFunctions: functions, documentFunctionParams: true }),
    });
    const promptTokens = contextText.tokenize(current.model.tokenizer).length;
    const available = current.context.contextSize;
    if (promptTokens + (options.maxTokens ?? 1) > available) {
      throw createContextOverflowError({
        provider: PROVIDER,
        modelId: modelPath,
        contextSize: available,
        promptTokens,
        ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
      });
    }
    const responseFormat = 'responseFormat' in options ? options.responseFormat : undefined;
    const grammar = responseFormat === undefined ? undefined : await grammarFor(current, responseFormat.schema);
    options.abortSignal?.throwIfAborted();
    return { loaded: current, history, promptTokens, grammar, functions };
  };

  /** Generates, reporting each piece of text and token count as it comes. */
  const generate = async (
    prepared: PreparedCall,
    options: Omit<LanguageModelCallOptions, 'messages'>,
    signal: AbortSignal,
    onDelta: (delta: string) => void,
  ): Promise<{ text: string; finishReason: FinishReason | 'tool-calls'; outputTokens: number; toolCalls: Array<{ name: string; params: unknown }> }> => {
    const { loaded: current, history, grammar, functions } = prepared;
    const { sequence } = current.chat;
    // Each call is a fresh conversation: clearing avoids reusing state from an unrelated prompt.
    await sequence.clearHistory();
    // The meter counts every sampled token; `onToken` misses those held back to match stop triggers.
    const meterBefore = sequence.tokenMeter.getState();
    const response = await current.chat.generateResponse(history, {
      ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
      ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
      ...(options.stop === undefined || options.stop.length === 0 ? {} : { customStopTriggers: options.stop }),
      // A grammar and functions exclude each other in node-llama-cpp's options; no call sets both.
      ...(grammar !== undefined ? { grammar } : functions !== undefined ? { functions, documentFunctionParams: true } : {}),
      signal,
      stopOnAbortSignal: true,
      onTextChunk: (text) => {
        if (text !== '') onDelta(text);
      },
    });
    const stopReason = response.metadata.stopReason;
    const toolCalls = (response.functionCalls ?? []).map((call) => ({ name: call.functionName, params: call.params as unknown }));
    const finishReason = stopReason === 'functionCalls' && toolCalls.length > 0 ? 'tool-calls' : stopReason === 'maxTokens' ? 'length' : stopReason === 'abort' ? 'abort' : 'stop';
    return { text: response.response, finishReason, outputTokens: sequence.tokenMeter.diff(meterBefore).usedOutputTokens, toolCalls };
  };

  const enqueue = <T>(task: () => Promise<T>): Promise<T> => {
    const result = queue.then(task);
    queue = result.catch(() => undefined);
    return result;
  };

  return {
    specificationVersion: 'v1',
    provider: PROVIDER,
    modelId: modelPath,
    get contextSize() {
      return contextSize;
    },

    async doGenerate(options): Promise<LanguageModelGenerateResult> {
      const prepared = await prepare(options);
      const signal = options.abortSignal ?? new AbortController().signal;
      const { text, finishReason, outputTokens } = await enqueue(() => generate(prepared, options, signal, () => undefined));
      if (finishReason === 'abort') throw signal.reason;
      return { text, finishReason: finishReason === 'tool-calls' ? 'stop' : finishReason, usage: { inputTokens: prepared.promptTokens, outputTokens } };
    },

    async doGenerateWithTools(options): Promise<LanguageModelToolCallResult> {
      // `toolChoice: 'none'` offers no functions, so the model can only answer in text.
      const functions: ChatModelFunctions | undefined =
        options.toolChoice === 'none'
          ? undefined
          : Object.fromEntries(options.tools.map((tool) => [tool.name, { description: tool.description, params: tool.parameters as GbnfJsonSchema }]));
      const prepared = await prepare(options, functions);
      const signal = options.abortSignal ?? new AbortController().signal;
      const result = await enqueue(() => generate(prepared, options, signal, () => undefined));
      if (result.finishReason === 'abort') throw signal.reason;
      // node-llama-cpp has no call ids; the tool replies of the next turn are matched by position (see toChatHistory).
      const toolCalls = result.toolCalls.map((call, index) => ({ id: `call_${index}`, name: call.name, arguments: JSON.stringify(call.params ?? {}) }));
      return { text: result.text, toolCalls, finishReason: result.finishReason, usage: { inputTokens: prepared.promptTokens, outputTokens: result.outputTokens } };
    },

    async doStream(options) {
      const prepared = await prepare(options);
      // Ours, so that a consumer who stops iterating also stops generation.
      const controller = new AbortController();
      const signal = options.abortSignal === undefined ? controller.signal : AbortSignal.any([options.abortSignal, controller.signal]);
      const parts = createPartBuffer();
      enqueue(() => generate(prepared, options, signal, (delta) => parts.push({ type: 'text-delta', delta })))
        .then(
          (result) => {
            const usage = { inputTokens: prepared.promptTokens, outputTokens: result.outputTokens };
            parts.push({ type: 'finish', finishReason: result.finishReason === 'tool-calls' ? 'stop' : result.finishReason, usage });
          },
          (error: unknown) => {
            if (signal.aborted) {
              parts.push({ type: 'finish', finishReason: 'abort', usage: { inputTokens: prepared.promptTokens, outputTokens: undefined } });
              return;
            }
            const failure = HangjiaError.is(error)
              ? error
              : new HangjiaError('E_MODEL_GENERATE', `llama.cpp failed while generating with ${modelPath}: ${String(error)}`, {
                  cause: error,
                  details: { provider: PROVIDER, modelId: modelPath, llamaLog: getRecentLlamaLog() },
                });
            parts.push({ type: 'error', error: failure });
            parts.push({ type: 'finish', finishReason: 'error', usage: { inputTokens: prepared.promptTokens, outputTokens: undefined } });
          },
        );
      const abortSignal = options.abortSignal;
      return {
        stream: (async function* (): AsyncGenerator<LanguageModelStreamPart, void, undefined> {
          try {
            for (;;) {
              const part = await parts.next();
              // Checked after every await: the consumer may abort while this generator waits at a `yield`.
              if (abortSignal?.aborted === true) {
                yield { type: 'finish', finishReason: 'abort', usage: { inputTokens: prepared.promptTokens, outputTokens: undefined } };
                return;
              }
              yield part;
              if (part.type === 'finish') return;
            }
          } finally {
            controller.abort();
          }
        })(),
      };
    },

    async dispose() {
      const current = loaded;
      loaded = undefined;
      grammars.clear();
      if (current === undefined) return;
      await queue;
      const resources = await current.catch(() => undefined);
      resources?.chat.dispose();
      await resources?.context.dispose();
      await resources?.model.dispose();
    },
  };
}

/**
 * Our messages in node-llama-cpp's history form. The history ends with the model's turn to
 * answer: an empty response, or the last assistant message, which the model then continues.
 */
function toChatHistory(messages: readonly ToolConversationMessage[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = [];
  const results = new Map(messages.flatMap((message) => (message.role === 'tool' ? [[message.toolCallId, message.content] as const] : [])));
  for (const message of messages) {
    if (message.role === 'system') history.push({ type: 'system', text: message.content });
    else if (message.role === 'user') history.push({ type: 'user', text: message.content });
    else if (message.role === 'assistant') {
      // A turn that called tools becomes node-llama-cpp's function-call items, each with its result,
      // which is how its chat wrappers render tool use; the model then continues that turn.
      const calls: ChatModelFunctionCall[] = ('toolCalls' in message ? message.toolCalls : []).map((call) => ({
        type: 'functionCall',
        name: call.name,
        params: parseArguments(call.arguments),
        result: results.get(call.id) ?? '',
      }));
      history.push({ type: 'model', response: [...(message.content === '' && calls.length > 0 ? [] : [message.content]), ...calls] });
    }
  }
  if (history.at(-1)?.type !== 'model') history.push({ type: 'model', response: [] });
  return history;
}

function parseArguments(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/** Parts pushed by node-llama-cpp's callbacks, pulled one at a time by the stream. */
function createPartBuffer(): { push(part: LanguageModelStreamPart): void; next(): Promise<LanguageModelStreamPart> } {
  const parts: LanguageModelStreamPart[] = [];
  let waiting: ((part: LanguageModelStreamPart) => void) | undefined;
  return {
    push(part) {
      if (waiting === undefined) parts.push(part);
      else {
        const resolve = waiting;
        waiting = undefined;
        resolve(part);
      }
    },
    next() {
      const part = parts.shift();
      return part === undefined ? new Promise((resolve) => (waiting = resolve)) : Promise.resolve(part);
    },
  };
}
