import type { AccessFilter } from '../../access/index.js';
import { HangjiaError } from '../../errors/index.js';
import { generateText, type LanguageModel, type LanguageModelUsage } from '../../models/index.js';
import type { Language } from '../../prompt/index.js';
import type { ReasoningLimits } from '../reasoning-limits.js';
import type { TraceRecorder } from '../reasoning-trace.js';
import { calculateExpression } from '../tools/calculate-expression.js';
import { addToDate, type DateUnit } from '../tools/legal-dates.js';
import { lookupArticle } from '../tools/lookup-article.js';
import type { ReasoningKnowledgeBase } from '../tools/reasoning-knowledge-base.js';
import { searchKnowledgeBase } from '../tools/search-within-document.js';
import type { SourceList } from '../tools/source-list.js';
import type { PlanAction } from './plan-action.js';
import { QUESTION_VARIABLE, type ParsedPlan, type PlanStep } from './plan-language.js';

/** Passages a search step returns. */
const STEP_SEARCH_K = 4;
/** Characters of a variable's value used as a search query. */
const QUERY_CHARACTERS = 200;
const NO_USAGE: LanguageModelUsage = { inputTokens: undefined, outputTokens: undefined };

export interface ExecutePlanOptions {
  model: LanguageModel;
  actions: readonly PlanAction[];
  language: Language;
  limits: ReasoningLimits;
  sources: SourceList;
  trace: TraceRecorder;
  now: () => number;
  /** The caller's access filter, applied to every search and lookup. */
  access?: AccessFilter;
  signal?: AbortSignal;
}

/** Each step's output by variable, in plan order. */
export type StepOutputs = Array<{ step: PlanStep; output: string }>;

/**
 * Runs a valid plan step by step (PEARL §3.4). Arguments are substituted (strings as written,
 * `question`, earlier outputs); then by the action's kind: `search` queries the knowledge base —
 * restricted to the document named by the first of two or more arguments —, `lookup` fetches an
 * exact article, `calculate` and `date` compute exactly (an expression that is not arithmetic goes
 * to the model), and `model` actions are one model call each with the action's meaning. Passages
 * are numbered in the run's `SourceList`; a step that fails (unknown law, bad date) keeps its error
 * as its output so later steps and the answer see it. Steps stop early when the token or time
 * budget is spent (`trace.stopped`).
 */
export async function executePlan(kb: ReasoningKnowledgeBase, question: string, plan: ParsedPlan, options: ExecutePlanOptions): Promise<StepOutputs> {
  const { trace, now, sources, limits } = options;
  const actions = new Map(options.actions.map((action) => [action.name, action]));
  const values = new Map<string, string>([[QUESTION_VARIABLE, question]]);
  const outputs: StepOutputs = [];
  for (const step of plan.steps) {
    if (trace.tokens() >= limits.tokenBudget) trace.stopped = { reason: 'token-budget', detail: `${trace.tokens()} tokens used of ${limits.tokenBudget}, before step ${step.number}` };
    else if (trace.elapsedMs() >= limits.timeBudgetMs) trace.stopped = { reason: 'time-budget', detail: `${Math.round(trace.elapsedMs())} ms used of ${limits.timeBudgetMs} ms, before step ${step.number}` };
    if (trace.stopped) break;
    const action = actions.get(step.action)!;
    const input = step.arguments.map((argument) => (argument.type === 'string' ? argument.value : argument.type === 'number' ? String(argument.value) : (values.get(argument.name) ?? '')));
    const started = now();
    const before = sources.hits.length;
    let output: string;
    let usage = NO_USAGE;
    let error: { code: string; message: string } | undefined;
    try {
      ({ output, usage } = await runStep(kb, question, action, step, input, options));
    } catch (caught) {
      if (!HangjiaError.is(caught)) throw caught;
      error = { code: caught.code, message: caught.message };
      output = `Error [${caught.code}]: ${caught.message}`;
    }
    values.set(step.variable, output);
    outputs.push({ step, output });
    trace.record({
      kind: 'step',
      step: step.number,
      action: step.action,
      variable: step.variable,
      input: input.map((value) => (value.length > 300 ? `${value.slice(0, 300)}…` : value)),
      output,
      sources: referencedSources(output, sources.hits.length, before),
      usage,
      ms: now() - started,
      ...(error ? { error } : {}),
    });
  }
  return outputs;
}

async function runStep(
  kb: ReasoningKnowledgeBase,
  question: string,
  action: PlanAction,
  step: PlanStep,
  input: string[],
  options: ExecutePlanOptions,
): Promise<{ output: string; usage: LanguageModelUsage }> {
  const { sources } = options;
  const access = options.access === undefined ? {} : { access: options.access };
  const query = (values: string[]): string => values.map((value) => value.slice(0, QUERY_CHARACTERS)).join(' ');
  switch (action.kind) {
    case 'search': {
      const [document, ...rest] = input;
      const restricted = input.length >= 2 && document !== undefined;
      try {
        const hits = await searchKnowledgeBase(kb, query(restricted ? rest : input), { k: STEP_SEARCH_K, ...(restricted ? { document } : {}), ...access });
        return { output: hits.length === 0 ? 'No passages found.' : sources.render(hits), usage: NO_USAGE };
      } catch (error) {
        if (!HangjiaError.is(error, 'E_DOCUMENT_NOT_FOUND')) throw error;
        // The model named a document the knowledge base does not have: search all of it, and say so.
        const hits = await searchKnowledgeBase(kb, query(rest), { k: STEP_SEARCH_K, ...access });
        return { output: `(${error.message} Searched the whole knowledge base instead.)\n${sources.render(hits)}`, usage: NO_USAGE };
      }
    }
    case 'lookup':
      return { output: sources.render(lookupArticle(kb, input[0] ?? '', input[1] ?? '', options.access)), usage: NO_USAGE };
    case 'date': {
      const result = addToDate(input[0] ?? '', Number(input[1]), (input[2] ?? 'day').replace(/s$/u, '') as DateUnit);
      return { output: `${result.date}（${result.note}）`, usage: NO_USAGE };
    }
    case 'calculate':
      try {
        const result = calculateExpression(input[0] ?? '');
        return { output: result.exact ? result.value : `${result.value} (rounded)`, usage: NO_USAGE };
      } catch (error) {
        if (!HangjiaError.is(error, 'E_CALCULATE')) throw error;
        return modelStep(question, action, step, input, options);
      }
    case 'model':
      return modelStep(question, action, step, input, options);
  }
}

async function modelStep(question: string, action: PlanAction, step: PlanStep, input: string[], options: ExecutePlanOptions): Promise<{ output: string; usage: LanguageModelUsage }> {
  const zh = options.language === 'zh';
  const inputs = action.parameters.map((parameter, index) => `${parameter} =\n${input[index] ?? ''}`).join('\n\n');
  const result = await generateText(options.model, {
    messages: [
      {
        role: 'system',
        content: zh
          ? `你在执行计划中的一步：${action.name}（${action.description}）。只根据给出的输入完成这一步，简洁作答；使用资料时保留其 [n] 编号。`
          : `You carry out one step of a plan: ${action.name} (${action.description}). Work only from the inputs given, briefly; keep the [n] markers of passages you use.`,
      },
      { role: 'user', content: `${zh ? '问题' : 'Question'}: ${question}\n\n${inputs}\n\n${step.variable} = ${action.name}(…) =` },
    ],
    temperature: 0,
    maxTokens: 512,
    ...(options.signal ? { abortSignal: options.signal } : {}),
  });
  return { output: result.text.trim(), usage: result.usage };
}

/** Marker numbers a step output shows or cites, plus passages it numbered for the first time. */
function referencedSources(output: string, count: number, before: number): number[] {
  const cited = [...output.matchAll(/\[(\d{1,3})\]/gu)].map((match) => Number(match[1])).filter((n) => n >= 1 && n <= count);
  const added = Array.from({ length: count - before }, (_, index) => before + index + 1);
  return [...new Set([...cited, ...added])].sort((a, b) => a - b);
}
