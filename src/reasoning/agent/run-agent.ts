import type { AccessFilter } from '../../access/index.js';
import type { Answer } from '../../answer/index.js';
import { HangjiaError } from '../../errors/index.js';
import { generateWithTools, validateJsonSchema, type LanguageModelToolCall, type ToolCallingLanguageModel, type ToolConversationMessage } from '../../models/index.js';
import { ANSWER_PROMPT_TEMPLATES, type Language } from '../../prompt/index.js';
import { citedAnswer } from '../cited-answer.js';
import { DEFAULT_REASONING_LIMITS, type ReasoningLimits } from '../reasoning-limits.js';
import { TraceRecorder, type ReasoningTrace, type StopReason } from '../reasoning-trace.js';
import type { ReasoningKnowledgeBase } from '../tools/reasoning-knowledge-base.js';
import type { ReasoningTool, ToolContext } from '../tools/reasoning-tool.js';
import { SourceList } from '../tools/source-list.js';
import { agentSystemPrompt, answerNowMessage } from './agent-prompt.js';

export interface RunAgentOptions {
  model: ToolCallingLanguageModel;
  tools: readonly ReasoningTool[];
  language: Language;
  limits?: Partial<ReasoningLimits>;
  /** Default 0.2. */
  temperature?: number;
  /** Per model turn. Default 1024. */
  maxTokens?: number;
  evidenceThreshold: number;
  supportThreshold?: number;
  /** The caller's access filter, applied to every search and lookup the tools make. */
  access?: AccessFilter;
  signal?: AbortSignal;
  /** Milliseconds clock (default `performance.now`). */
  now?: () => number;
}

/**
 * The bounded tool-calling loop (system S12): the model gets the question and the tools; each turn
 * it either answers or asks for calls, which run and come back as `role: 'tool'` results. Bounds:
 *
 * - `maxSteps` turns may call tools; `maxToolCalls` calls in all; the token and time budgets are
 *   checked before every turn. Reaching one stops the calls: the model is told why and gets one
 *   last turn with `toolChoice: 'none'`, which must answer (`trace.stopped` names the bound).
 * - A call that repeats an earlier one exactly (same tool, same arguments) is not run: the model is
 *   told to use the earlier result; the second repeat stops the loop (`repeated-calls`).
 * - A tool error (unknown tool, arguments that are not JSON or break the schema, an unknown law,
 *   a failing endpoint) is returned to the model as the tool's result, never thrown.
 *
 * Every passage a tool shows is numbered once for the whole run (`SourceList`), so the answer's
 * `[n]` resolve to chunks the run read, checked as `ask` checks its answers.
 */
export async function runAgent(kb: ReasoningKnowledgeBase, question: string, options: RunAgentOptions): Promise<{ answer: Answer; trace: ReasoningTrace }> {
  const now = options.now ?? (() => performance.now());
  const limits = { ...DEFAULT_REASONING_LIMITS, ...options.limits };
  const { model, language } = options;
  const trace = new TraceRecorder('agent', now);
  const sources = new SourceList();
  const tools = new Map(options.tools.map((tool) => [tool.definition.name, tool]));
  const definitions = options.tools.map((tool) => tool.definition);
  const notCovered = ANSWER_PROMPT_TEMPLATES[language].notCovered;
  const messages: ToolConversationMessage[] = [
    { role: 'system', content: agentSystemPrompt(language, notCovered) },
    { role: 'user', content: question },
  ];
  const seenCalls = new Set<string>();
  let toolCalls = 0;
  let repeats = 0;
  let finalText: string | undefined;

  const stop = (reason: StopReason, detail: string): void => {
    trace.stopped ??= { reason, detail };
  };
  const turn = async (purpose: string, toolChoice: 'auto' | 'none') => {
    const started = now();
    const result = await generateWithTools(model, {
      messages,
      tools: definitions,
      toolChoice,
      temperature: options.temperature ?? 0.2,
      maxTokens: options.maxTokens ?? 1024,
      ...(options.signal ? { abortSignal: options.signal } : {}),
    });
    trace.record({ kind: 'model', purpose, usage: result.usage, ms: now() - started, ...(result.toolCalls.length > 0 ? { toolCalls: result.toolCalls.map((call) => call.name) } : {}) });
    return result;
  };

  for (let step = 1; step <= limits.maxSteps && trace.stopped === undefined; step++) {
    if (trace.tokens() >= limits.tokenBudget) stop('token-budget', `${trace.tokens()} tokens used of a budget of ${limits.tokenBudget}`);
    else if (trace.elapsedMs() >= limits.timeBudgetMs) stop('time-budget', `${Math.round(trace.elapsedMs())} ms used of a budget of ${limits.timeBudgetMs} ms`);
    if (trace.stopped) break;
    const result = await turn('agent-turn', 'auto');
    if (result.toolCalls.length === 0) {
      finalText = result.text;
      break;
    }
    messages.push({ role: 'assistant', content: result.text, toolCalls: result.toolCalls });
    for (const call of result.toolCalls) {
      let content: string;
      if (trace.stopped !== undefined || toolCalls >= limits.maxToolCalls) {
        stop('max-tool-calls', `${limits.maxToolCalls} tool calls made`);
        content = answerNowMessage(language, language === 'zh' ? '工具调用次数已用完' : 'The tool-call limit is reached');
      } else {
        const key = `${call.name}\u0000${canonicalArguments(call.arguments)}`;
        if (seenCalls.has(key)) {
          repeats++;
          trace.record({ kind: 'tool', name: call.name, arguments: call.arguments, resultCharacters: 0, ms: 0, sources: [], repeated: true });
          if (repeats >= 2) stop('repeated-calls', `${call.name} was called again with the same arguments ${repeats} times`);
          content = language === 'zh' ? '这个调用与之前的一次完全相同，未再执行：请使用之前的结果。' : 'This call repeats an earlier one exactly and was not run: use the earlier result.';
        } else {
          seenCalls.add(key);
          toolCalls++;
          content = await runTool(call, tools, { kb, sources, ...(options.access ? { access: options.access } : {}), ...(options.signal ? { signal: options.signal } : {}) }, trace, now);
        }
      }
      messages.push({ role: 'tool', toolCallId: call.id, name: call.name, content });
    }
  }
  if (finalText === undefined) {
    stop('max-steps', `${limits.maxSteps} model turns called tools without answering`);
    messages.push({ role: 'user', content: answerNowMessage(language, describeStop(trace.stopped!.reason, language)) });
    finalText = (await turn('answer', 'none')).text;
  }
  const finished = trace.finish();
  const answer = citedAnswer({
    question,
    text: finalText,
    sources,
    analyzer: kb.analyzer,
    language,
    model,
    trace: finished,
    evidenceThreshold: options.evidenceThreshold,
    ...(options.supportThreshold === undefined ? {} : { supportThreshold: options.supportThreshold }),
  });
  return { answer, trace: finished };
}

/** Runs one call, returning the text the model reads; failures become `Error [code]: message`. */
async function runTool(
  call: LanguageModelToolCall,
  tools: ReadonlyMap<string, ReasoningTool>,
  context: ToolContext,
  trace: TraceRecorder,
  now: () => number,
): Promise<string> {
  const { sources } = context;
  const started = now();
  const before = sources.hits.length;
  let content: string;
  let error: { code: string; message: string } | undefined;
  try {
    const tool = tools.get(call.name);
    if (tool === undefined) throw new HangjiaError('E_TOOL_UNKNOWN', `There is no tool "${call.name}". Tools: ${[...tools.keys()].join(', ')}.`, { details: { tool: call.name } });
    let args: unknown;
    try {
      args = JSON.parse(call.arguments === '' ? '{}' : call.arguments);
    } catch (cause) {
      throw new HangjiaError('E_TOOL_ARGUMENTS', `The arguments of ${call.name} are not JSON: ${(cause as Error).message}`, { cause, details: { tool: call.name } });
    }
    const problems = validateJsonSchema(args, tool.definition.parameters);
    if (problems.length > 0) throw new HangjiaError('E_TOOL_ARGUMENTS', `The arguments of ${call.name} do not fit its schema: ${problems.join('; ')}`, { details: { tool: call.name, problems } });
    content = await tool.run(args as Record<string, unknown>, context);
  } catch (caught) {
    if (!HangjiaError.is(caught)) throw caught;
    error = { code: caught.code, message: caught.message };
    content = `Error [${caught.code}]: ${caught.message}`;
  }
  const shown = [...content.matchAll(/^\[(\d+)\] /gmu)].map((match) => Number(match[1]));
  trace.record({
    kind: 'tool',
    name: call.name,
    arguments: call.arguments,
    resultCharacters: content.length,
    ms: now() - started,
    sources: shown.length > 0 ? shown : sources.hits.slice(before).map((_, index) => before + index + 1),
    ...(error ? { error } : {}),
  });
  return content;
}

/** Arguments compared as parsed JSON with sorted keys, so `{"a":1,"b":2}` repeats `{ "b": 2, "a": 1 }`. */
function canonicalArguments(text: string): string {
  try {
    return JSON.stringify(sortKeys(JSON.parse(text) as unknown));
  } catch {
    return text.trim();
  }
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([key, item]) => [key, sortKeys(item)]));
  }
  return value;
}

function describeStop(reason: StopReason, language: Language): string {
  const zh: Record<StopReason, string> = {
    'max-steps': '已达到最多步数',
    'max-tool-calls': '工具调用次数已用完',
    'token-budget': '已用完 token 预算',
    'time-budget': '已用完时间预算',
    'repeated-calls': '重复调用已被停止',
  };
  const en: Record<StopReason, string> = {
    'max-steps': 'The step limit is reached',
    'max-tool-calls': 'The tool-call limit is reached',
    'token-budget': 'The token budget is spent',
    'time-budget': 'The time budget is spent',
    'repeated-calls': 'Repeated calls were stopped',
  };
  return (language === 'zh' ? zh : en)[reason];
}
