import { HangjiaError } from '../errors/index.js';
import type { JsonSchema } from './json-schema.js';
import type { FinishReason, LanguageModel, LanguageModelCallOptions, LanguageModelMessage, LanguageModelUsage } from './language-model.js';

/** A function the model may call: name, what it does, and its arguments as a JSON schema (the subset of `JsonSchema`). */
export interface LanguageModelTool {
  /** `^[a-zA-Z0-9_-]{1,64}$`, as the OpenAI API requires. */
  name: string;
  description: string;
  parameters: JsonSchema;
}

/** One call the model asked for. `arguments` is the JSON text exactly as the model wrote it: validate before use. */
export interface LanguageModelToolCall {
  /** The endpoint's id (`call_…`), or one the adapter made up; a `tool` message answers it by this id. */
  id: string;
  name: string;
  arguments: string;
}

/**
 * A conversation with tool calls: the plain messages, an assistant turn that called tools, and the
 * tool results (OpenAI's `role: 'tool'`, answering one call by its id).
 */
export type ToolConversationMessage =
  | LanguageModelMessage
  | { role: 'assistant'; content: string; toolCalls: LanguageModelToolCall[] }
  | { role: 'tool'; toolCallId: string; name: string; content: string };

export interface LanguageModelToolCallOptions extends Omit<LanguageModelCallOptions, 'messages' | 'responseFormat'> {
  messages: ToolConversationMessage[];
  tools: LanguageModelTool[];
  /** `auto` (default): the model decides; `none`: text only; `required`: at least one call (endpoints only; llama.cpp treats it as `auto`). */
  toolChoice?: 'auto' | 'none' | 'required';
}

export interface LanguageModelToolCallResult {
  /** Text the model wrote besides (or instead of) calls. */
  text: string;
  /** Empty when the model answered in text. */
  toolCalls: LanguageModelToolCall[];
  /** `tool-calls` when the model stopped to have its calls run. */
  finishReason: FinishReason | 'tool-calls';
  usage: LanguageModelUsage;
}

/**
 * The tool-calling capability of a `LanguageModel`: one optional adapter method, so adapters
 * without it keep working and callers can tell (`supportsToolCalls`). The OpenAI-compatible
 * adapter speaks the tools protocol (`tools`, `tool_choice`, `tool_calls`, `role: 'tool'`);
 * llama.cpp uses node-llama-cpp's function calling, whose grammar keeps the arguments JSON.
 */
export interface ToolCallingLanguageModel extends LanguageModel {
  doGenerateWithTools(options: LanguageModelToolCallOptions): Promise<LanguageModelToolCallResult>;
}

/** Whether `model` can call tools. */
export function supportsToolCalls(model: LanguageModel): model is ToolCallingLanguageModel {
  return typeof (model as Partial<ToolCallingLanguageModel>).doGenerateWithTools === 'function';
}

/**
 * Generates one assistant turn that may call tools. Throws `E_TOOLS_UNSUPPORTED` naming the
 * provider when the adapter cannot call tools, else what the adapter throws.
 *
 * @example
 * const turn = await generateWithTools(model, { messages, tools: [{ name: 'calculate', description: '…', parameters }] });
 * for (const call of turn.toolCalls) console.log(call.name, JSON.parse(call.arguments));
 */
export function generateWithTools(model: LanguageModel, options: LanguageModelToolCallOptions): Promise<LanguageModelToolCallResult> {
  if (!supportsToolCalls(model)) {
    return Promise.reject(
      new HangjiaError('E_TOOLS_UNSUPPORTED', `The ${model.provider} model "${model.modelId}" cannot call tools. Use an OpenAI-compatible endpoint or a llama-cpp model, or --strategy rag.`, {
        details: { provider: model.provider, modelId: model.modelId },
      }),
    );
  }
  return model.doGenerateWithTools(options);
}
