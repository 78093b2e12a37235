import type { HangjiaError } from '../../errors/index.js';
import type {
  FinishReason,
  LanguageModelCallOptions,
  LanguageModelStreamPart,
  LanguageModelToolCall,
  LanguageModelToolCallOptions,
  LanguageModelUsage,
  ProviderRetry,
  ToolCallingLanguageModel,
  ToolConversationMessage,
} from '../../models/index.js';
import { createProviderResponseError } from '../../models/index.js';
import { postJson } from '../_post-json.js';
import { classifyChatError } from './_classify-chat-error.js';
import { postEventStream } from './_post-event-stream.js';

export interface OpenAICompatibleChatSettings {
  /** API root including the version path, e.g. `http://127.0.0.1:8000/v1` (vLLM) or `http://127.0.0.1:11434/v1` (Ollama). */
  baseURL: string;
  /** Sent as `Authorization: Bearer …` when given; the config loader resolves `--api-key` / `HANGJIA_API_KEY`. */
  apiKey?: string;
  /** Model name at the endpoint, e.g. `qwen2.5:7b-instruct`. */
  model: string;
  /**
   * Milliseconds from sending a request until the first bytes of the answer (streaming), or the
   * whole answer (non-streaming). Per attempt. Default 120 000: CPU servers take long on big prompts.
   */
  timeoutMs?: number;
  /** Longest silence between stream chunks before giving up. Default 30 000. */
  idleTimeoutMs?: number;
  /** Retries before the first byte for network errors, timeouts and 408/409/429/5xx. Default 3. */
  maxRetries?: number;
  /** The model's context window in tokens, when known; endpoints do not report it. */
  contextSize?: number;
  /** Replaces `globalThis.fetch`: for proxies, instrumentation and tests with recorded responses. */
  fetch?: typeof globalThis.fetch;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /** Called before each retry with the attempt, the reason and the wait (the CLI shows them on stderr). */
  onRetry?: (retry: ProviderRetry) => void;
}

const PROVIDER = 'openai-compatible';
const RESPONSE_HINT = 'Check that the endpoint is OpenAI-compatible and serves chat completions.';

/**
 * A `LanguageModel` over any OpenAI-compatible `/chat/completions` endpoint (vLLM, Ollama,
 * llama.cpp server, SGLang, DeepSeek, DashScope compatible mode, OpenAI itself), streaming with
 * server-sent events.
 *
 * Errors: `E_MODEL_NOT_FOUND` (404 or "model not found"), `E_CONTEXT_OVERFLOW` (400 naming the
 * context length), `E_PROVIDER_HTTP`, `E_PROVIDER_AUTH`, `E_PROVIDER_UNREACHABLE`,
 * `E_PROVIDER_TIMEOUT`, `E_PROVIDER_RESPONSE`; mid-stream `E_PROVIDER_STREAM` as an `error` part.
 *
 * @example
 * const model = createOpenAICompatibleChatModel({ baseURL: 'http://127.0.0.1:11434/v1', model: 'qwen2.5:7b-instruct' });
 * const { text } = await generateText(model, { messages: [{ role: 'user', content: '试用期最长多久？' }] });
 */
export function createOpenAICompatibleChatModel(settings: OpenAICompatibleChatSettings): ToolCallingLanguageModel {
  const { model: modelId, apiKey, timeoutMs = 120_000, idleTimeoutMs = 30_000, maxRetries = 3 } = settings;
  const baseURL = settings.baseURL.replace(/\/+$/, '');
  const url = `${baseURL}/chat/completions`;
  const modelsURL = `${baseURL}/models`;
  const fetchFunction = settings.fetch ?? globalThis.fetch;
  const headers: Record<string, string> = {
    ...(apiKey === undefined || apiKey === '' ? {} : { authorization: `Bearer ${apiKey}` }),
    ...settings.headers,
  };
  const request = { url, headers, provider: PROVIDER, modelId, fetch: fetchFunction, timeoutMs, maxRetries, responseErrorHint: RESPONSE_HINT, ...(settings.onRetry ? { onRetry: settings.onRetry } : {}) };

  return {
    specificationVersion: 'v1',
    provider: PROVIDER,
    modelId,
    ...(settings.contextSize === undefined ? {} : { contextSize: settings.contextSize }),

    async doGenerate(options) {
      const { value, responseBody } = await postJson({
        ...request,
        body: toRequestBody(modelId, options, false),
        ...(options.abortSignal === undefined ? {} : { abortSignal: options.abortSignal }),
      }).catch((error: unknown) => {
        throw classifyChatError(error, { modelId, modelsURL });
      });
      const choice = (value as { choices?: unknown[] } | null)?.choices?.[0] as ChatChoice | undefined;
      const content = choice?.message?.content;
      if (typeof content !== 'string' && content !== null) {
        throw createProviderResponseError({ provider: PROVIDER, modelId, url, problem: 'the body has no choices[0].message.content string', responseBody, hint: RESPONSE_HINT });
      }
      return { text: content ?? '', finishReason: toFinishReason(choice?.finish_reason), usage: toUsage((value as ChatBody).usage) };
    },

    async doStream(options) {
      const { abortSignal } = options;
      const events = await postEventStream({
        ...request,
        idleTimeoutMs,
        body: toRequestBody(modelId, options, true),
        ...(abortSignal === undefined ? {} : { abortSignal }),
      }).catch((error: unknown) => {
        throw classifyChatError(error, { modelId, modelsURL });
      });
      const responseError = (problem: string, responseBody?: string): HangjiaError =>
        createProviderResponseError({ provider: PROVIDER, modelId, url, problem, hint: RESPONSE_HINT, ...(responseBody === undefined ? {} : { responseBody }) });
      return { stream: readChatStream(events, abortSignal, responseError) };
    },

    async doGenerateWithTools(options) {
      const { value, responseBody } = await postJson({
        ...request,
        body: toToolRequestBody(modelId, options),
        ...(options.abortSignal === undefined ? {} : { abortSignal: options.abortSignal }),
      }).catch((error: unknown) => {
        throw classifyChatError(error, { modelId, modelsURL });
      });
      const choice = (value as { choices?: unknown[] } | null)?.choices?.[0] as ChatChoice | undefined;
      const content = choice?.message?.content;
      const toolCalls = readToolCalls(choice?.message?.tool_calls);
      if ((typeof content !== 'string' && content !== null && content !== undefined) || toolCalls === undefined || (typeof content !== 'string' && toolCalls.length === 0)) {
        throw createProviderResponseError({
          provider: PROVIDER,
          modelId,
          url,
          problem: 'the body has neither a choices[0].message.content string nor well-formed choices[0].message.tool_calls',
          responseBody,
          hint: RESPONSE_HINT,
        });
      }
      const finishReason = toolCalls.length > 0 ? 'tool-calls' : toFinishReason(choice?.finish_reason);
      return { text: typeof content === 'string' ? content : '', toolCalls, finishReason, usage: toUsage((value as ChatBody).usage) };
    },
  };
}

/**
 * `choices[0].message.tool_calls` as OpenAI's API returns it (`{ id, type: 'function', function:
 * { name, arguments } }`); undefined when present but malformed. Arguments stay text: the
 * caller validates them against the tool's schema, since models write invalid JSON at times.
 */
function readToolCalls(value: unknown): LanguageModelToolCall[] | undefined {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return undefined;
  const calls: LanguageModelToolCall[] = [];
  for (const [index, item] of value.entries()) {
    const call = item as { id?: unknown; type?: unknown; function?: { name?: unknown; arguments?: unknown } };
    if (typeof call?.function?.name !== 'string') return undefined;
    const args = call.function.arguments;
    calls.push({
      // Some servers (older llama.cpp, Ollama) omit ids; the `tool` reply still needs one to answer.
      id: typeof call.id === 'string' && call.id !== '' ? call.id : `call_${index}`,
      name: call.function.name,
      arguments: typeof args === 'string' ? args : JSON.stringify(args ?? {}),
    });
  }
  return calls;
}

function toToolMessage(message: ToolConversationMessage): Record<string, unknown> {
  if (message.role === 'tool') return { role: 'tool', tool_call_id: message.toolCallId, content: message.content };
  if ('toolCalls' in message && message.toolCalls.length > 0) {
    return {
      role: 'assistant',
      content: message.content === '' ? null : message.content,
      tool_calls: message.toolCalls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } })),
    };
  }
  return { role: message.role, content: message.content };
}

function toToolRequestBody(modelId: string, options: LanguageModelToolCallOptions): Record<string, unknown> {
  const { messages, tools, toolChoice, temperature, maxTokens, stop } = options;
  return {
    model: modelId,
    messages: messages.map(toToolMessage),
    tools: tools.map((tool) => ({ type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.parameters } })),
    ...(toolChoice === undefined ? {} : { tool_choice: toolChoice }),
    ...(temperature === undefined ? {} : { temperature }),
    ...(maxTokens === undefined ? {} : { max_tokens: maxTokens }),
    ...(stop === undefined || stop.length === 0 ? {} : { stop }),
  };
}

interface ChatChoice {
  message?: { content?: unknown; tool_calls?: unknown };
  delta?: { content?: unknown };
  finish_reason?: unknown;
}
interface ChatBody {
  choices?: ChatChoice[];
  usage?: { prompt_tokens?: unknown; completion_tokens?: unknown };
  error?: { message?: unknown };
}

/**
 * Chunks become parts. Minimal validation, on purpose (the Vercel AI SDK habit): only
 * `choices[0].delta.content`, `finish_reason` and `usage` are read; reasoning fields and other
 * extras are ignored. Usage comes in a last chunk with empty `choices` when the server honours
 * `stream_options.include_usage`.
 */
async function* readChatStream(
  events: AsyncGenerator<string, void, undefined>,
  abortSignal: AbortSignal | undefined,
  responseError: (problem: string, responseBody?: string) => HangjiaError,
): AsyncGenerator<LanguageModelStreamPart, void, undefined> {
  let finishReason: FinishReason | undefined;
  let usage: LanguageModelUsage = { inputTokens: undefined, outputTokens: undefined };
  let done = false;
  try {
    for (;;) {
      const next = await events.next();
      // Checked after every await: the consumer may abort while this generator waits at a `yield`.
      if (abortSignal?.aborted === true) {
        finishReason = 'abort';
        break;
      }
      if (next.done === true) break;
      const data = next.value;
      if (data === '[DONE]') {
        done = true;
        break;
      }
      let chunk: ChatBody;
      try {
        chunk = JSON.parse(data) as ChatBody;
      } catch (cause) {
        yield { type: 'error', error: responseError(`a stream chunk is not JSON (${(cause as Error).message})`, data) };
        finishReason = 'error';
        break;
      }
      if (chunk?.error !== undefined) {
        yield { type: 'error', error: responseError(`the stream reported an error: ${String(chunk.error.message ?? JSON.stringify(chunk.error))}`, data) };
        finishReason = 'error';
        break;
      }
      if (chunk.usage !== undefined && chunk.usage !== null) usage = toUsage(chunk.usage);
      const choice = chunk.choices?.[0];
      const delta = choice?.delta?.content;
      if (typeof delta === 'string' && delta !== '') yield { type: 'text-delta', delta };
      if (choice?.finish_reason !== undefined && choice.finish_reason !== null) finishReason = toFinishReason(choice.finish_reason);
    }
  } catch (error) {
    if (abortSignal?.aborted === true) finishReason = 'abort';
    else {
      yield { type: 'error', error: error as HangjiaError };
      finishReason = 'error';
    }
  } finally {
    await events.return();
  }
  if (finishReason === undefined && !done) {
    yield { type: 'error', error: responseError('the stream ended without a finish reason or [DONE]') };
    finishReason = 'error';
  }
  yield { type: 'finish', finishReason: finishReason ?? 'stop', usage };
}

function toRequestBody(modelId: string, options: LanguageModelCallOptions, stream: boolean): Record<string, unknown> {
  const { messages, temperature, maxTokens, stop, responseFormat } = options;
  return {
    model: modelId,
    messages: messages.map(({ role, content }) => ({ role, content })),
    ...(temperature === undefined ? {} : { temperature }),
    // `max_tokens` rather than OpenAI's newer `max_completion_tokens`: every compatible server reads it.
    ...(maxTokens === undefined ? {} : { max_tokens: maxTokens }),
    ...(stop === undefined || stop.length === 0 ? {} : { stop }),
    ...(responseFormat === undefined
      ? {}
      : { response_format: { type: 'json_schema', json_schema: { name: responseFormat.name ?? 'response', schema: responseFormat.schema } } }),
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  };
}

/** `length` is the only reason that needs its own handling; `content_filter` and unknown ones end the reply like `stop`. */
function toFinishReason(reason: unknown): FinishReason {
  return reason === 'length' ? 'length' : 'stop';
}

function toUsage(usage: ChatBody['usage']): LanguageModelUsage {
  const count = (value: unknown): number | undefined => (typeof value === 'number' && Number.isFinite(value) ? value : undefined);
  return { inputTokens: count(usage?.prompt_tokens), outputTokens: count(usage?.completion_tokens) };
}
