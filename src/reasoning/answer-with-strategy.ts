import { answerQuestion, condenseQuestion, DEFAULT_EVIDENCE_THRESHOLD, type Answer, type AnswerQuestionOptions } from '../answer/index.js';
import { supportsToolCalls } from '../models/index.js';
import { detectLanguage } from '../prompt/index.js';
import { runAgent } from './agent/run-agent.js';
import type { PlanExample } from './pearl/actions-file.js';
import type { PlanAction } from './pearl/plan-action.js';
import { runPearl, type PearlPlan } from './pearl/run-pearl.js';
import type { ReasoningLimits } from './reasoning-limits.js';
import type { ReasoningTrace } from './reasoning-trace.js';
import { BUILT_IN_TOOLS } from './tools/built-in-tools.js';
import { graphQueryTool, hasKnowledgeGraph } from './tools/graph-query-tool.js';
import type { ReasoningKnowledgeBase } from './tools/reasoning-knowledge-base.js';
import type { ReasoningTool } from './tools/reasoning-tool.js';

/** How a question is answered: `rag` (retrieve once, answer; the default), `pearl` (plan, execute, answer), `agent` (tool-calling loop). */
export const ANSWER_STRATEGIES = ['rag', 'pearl', 'agent'] as const;
export type AnsweringStrategy = (typeof ANSWER_STRATEGIES)[number];

/** Why a PEARL or agent run answered with plain RAG instead. */
export interface StrategyFallback {
  from: 'pearl' | 'agent';
  /** `no-model` (nothing to plan or call tools with), `tools-unsupported` (the adapter cannot call tools), `invalid-plan` (still invalid after the repair rounds). */
  reason: 'no-model' | 'tools-unsupported' | 'invalid-plan';
  message: string;
}

/** An answer and how it was made. */
export interface StrategyAnswer {
  /** The strategy asked for. */
  strategy: AnsweringStrategy;
  answer: Answer;
  /** PEARL and agent runs: every model call, tool call, plan and step. */
  trace?: ReasoningTrace;
  /** PEARL: the plan executed, or the invalid one that caused the fallback. */
  plan?: PearlPlan;
  /** Set when the answer came from plain RAG instead of the strategy asked for. */
  fallback?: StrategyFallback;
}

export interface AnswerWithStrategyOptions extends AnswerQuestionOptions {
  strategy: AnsweringStrategy;
  limits?: Partial<ReasoningLimits>;
  /** Agent: tools besides the built-in ones (user HTTP tools from config). */
  tools?: readonly ReasoningTool[];
  /** PEARL: the action set (default the starter set) and solved plans for few-shot. */
  actions?: readonly PlanAction[];
  planExamples?: readonly PlanExample[];
}

/**
 * Answers with the strategy asked for — the one entry `ask`, `chat`, `eval rag` and `eval compare`
 * share. `rag` is `answerQuestion`. `pearl` and `agent` need a model (and `agent` one that can call
 * tools); without one, or when PEARL's plan stays invalid, the answer comes from `answerQuestion`
 * with `fallback` saying why — never silently. A follow-up in a conversation is condensed first,
 * as `answerQuestion` does.
 *
 * @example
 * const { answer, trace } = await answerWithStrategy(kb, '房东不退押金怎么办？', { strategy: 'agent', model });
 */
export async function answerWithStrategy(kb: ReasoningKnowledgeBase, question: string, options: AnswerWithStrategyOptions): Promise<StrategyAnswer> {
  const { strategy, model } = options;
  const rag = async (fallback?: StrategyFallback, extra: Partial<StrategyAnswer> = {}): Promise<StrategyAnswer> => ({
    strategy,
    answer: await answerQuestion(kb, question, options).answer,
    ...extra,
    ...(fallback ? { fallback } : {}),
  });
  if (strategy === 'rag') return rag();
  if (model === undefined) return rag({ from: strategy, reason: 'no-model', message: `--strategy ${strategy} needs a chat model; none is configured, so this is a plain RAG answer.` });

  const standalone = options.history?.length
    ? (await condenseQuestion(options.history, question, { analyzer: kb.analyzer, model, ...(options.signal ? { abortSignal: options.signal } : {}) })).question
    : question;
  const language = !options.language || options.language === 'auto' ? detectLanguage(standalone) : options.language;
  const common = {
    language,
    evidenceThreshold: options.evidenceThreshold ?? DEFAULT_EVIDENCE_THRESHOLD,
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.supportThreshold === undefined ? {} : { supportThreshold: options.supportThreshold }),
    ...(options.access ? { access: options.access } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
    ...(options.now ? { now: options.now } : {}),
  };

  if (strategy === 'agent') {
    if (!supportsToolCalls(model)) {
      return rag({ from: 'agent', reason: 'tools-unsupported', message: `The ${model.provider} model "${model.modelId}" cannot call tools, so this is a plain RAG answer.` });
    }
    const { answer, trace } = await runAgent(kb, standalone, {
      ...common,
      model,
      tools: [...BUILT_IN_TOOLS, ...(hasKnowledgeGraph(kb) ? [graphQueryTool] : []), ...(options.tools ?? [])],
      ...(options.temperature === undefined ? {} : { temperature: options.temperature }),
      ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
    });
    return { strategy, answer: { ...answer, question }, trace };
  }

  const result = await runPearl(kb, standalone, {
    ...common,
    model,
    ...(options.actions ? { actions: options.actions } : {}),
    ...(options.planExamples ? { examples: options.planExamples } : {}),
    ...(options.maxTokens === undefined ? {} : { maxTokens: options.maxTokens }),
  });
  if (result.status === 'invalid-plan') {
    return rag(
      { from: 'pearl', reason: 'invalid-plan', message: `The plan was still invalid after ${result.plan.repairs} repair round${result.plan.repairs === 1 ? '' : 's'} (${result.plan.errors.length} error${result.plan.errors.length === 1 ? '' : 's'}), so this is a plain RAG answer.` },
      { trace: result.trace, plan: result.plan },
    );
  }
  return { strategy, answer: { ...result.answer, question }, trace: result.trace, plan: result.plan };
}
