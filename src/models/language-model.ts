import type { JsonSchema } from './json-schema.js';
import type { LanguageModelStreamPart } from './language-model-stream-part.js';

/** One chat message. Content is plain text: hangjia's prompts are text, not images or tool calls. */
export interface LanguageModelMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** Asks for JSON matching `schema` (endpoints: `response_format` json_schema; llama.cpp: a grammar). */
export interface LanguageModelJsonResponseFormat {
  type: 'json';
  schema: JsonSchema;
  /** Schema name some endpoints require (`json_schema.name`). Default 'response'. */
  name?: string;
}

export interface LanguageModelCallOptions {
  messages: LanguageModelMessage[];
  /** Sampling temperature, 0 (greedy) to 2. Default: the backend's own (llama.cpp: 0, endpoints: their default). */
  temperature?: number;
  /** Most tokens to generate. Default: the backend's own limit. */
  maxTokens?: number;
  /** Generation stops before any of these strings; they are not part of the text. */
  stop?: string[];
  /** Constrains the output to JSON; `generateObject` sets this and validates the result. */
  responseFormat?: LanguageModelJsonResponseFormat;
  abortSignal?: AbortSignal;
}

/**
 * Why generation ended: `stop` (the model finished or hit a stop string), `length` (maxTokens or
 * the context ran out), `error` (the stream broke; see the `error` part), `abort` (the caller's
 * abort signal fired mid-stream).
 */
export type FinishReason = 'stop' | 'length' | 'error' | 'abort';

/** Token counts as the backend reports them; undefined when it reports nothing. */
export interface LanguageModelUsage {
  inputTokens: number | undefined;
  outputTokens: number | undefined;
}

export interface LanguageModelGenerateResult {
  text: string;
  finishReason: FinishReason;
  usage: LanguageModelUsage;
}

/**
 * The chat model specification every provider adapter implements (after the Vercel AI SDK's
 * `LanguageModelV3`, reduced to what hangjia uses: text in, text out, optional JSON output).
 *
 * The `do` prefix marks adapter methods so they are not mistaken for user API: call
 * `generateText`, `streamText` or `generateObject` (this folder) instead.
 *
 * Implementations: `providers/openai-compatible`, `providers/llama-cpp`; each runs the shared suite
 * in `test/conformance/language-model.case.ts`.
 *
 * @example
 * const { text } = await generateText(model, { messages: [{ role: 'user', content: '劳动合同试用期最长多久？' }] });
 */
export interface LanguageModel {
  /** Bumped when this interface changes incompatibly. */
  readonly specificationVersion: 'v1';
  /** Which adapter: 'openai-compatible', 'llama-cpp'. Named in every error. */
  readonly provider: string;
  /** The model as the adapter knows it (API model name, GGUF path). */
  readonly modelId: string;
  /**
   * Tokens the model sees at once (prompt plus output), when known. Local adapters only know it once
   * the model is loaded, so this may be a getter that becomes defined later. Prompt builders budget
   * retrieved passages against it.
   */
  readonly contextSize?: number;
  /**
   * Generates the whole reply. Throws `HangjiaError` (`E_PROVIDER_*`, `E_MODEL_LOAD`,
   * `E_MODEL_NOT_FOUND`, `E_CONTEXT_OVERFLOW`), or the caller's abort reason when `abortSignal` fires.
   */
  doGenerate(options: LanguageModelCallOptions): Promise<LanguageModelGenerateResult>;
  /**
   * Starts generating. The promise rejects like `doGenerate` for failures before the first token
   * arrives; once the stream runs, failures become an `error` part. The stream always ends with
   * exactly one `finish` part (`error` after a failure, `abort` once `abortSignal` fires), and
   * nothing follows it. Iterate it once.
   */
  doStream(options: LanguageModelCallOptions): Promise<{ stream: AsyncIterable<LanguageModelStreamPart> }>;
}
