import type { AccessFilter } from '../../access/index.js';
import type { Answer } from '../../answer/index.js';
import { createExamplePool, createExampleSelector } from '../../examples/index.js';
import { generateText, type LanguageModel } from '../../models/index.js';
import { ANSWER_PROMPT_TEMPLATES, type Language } from '../../prompt/index.js';
import { citedAnswer } from '../cited-answer.js';
import { DEFAULT_REASONING_LIMITS, type ReasoningLimits } from '../reasoning-limits.js';
import { TraceRecorder, type ReasoningTrace } from '../reasoning-trace.js';
import type { ReasoningKnowledgeBase } from '../tools/reasoning-knowledge-base.js';
import { SourceList } from '../tools/source-list.js';
import type { PlanExample } from './actions-file.js';
import { executePlan, type StepOutputs } from './execute-plan.js';
import { generatePlan } from './generate-plan.js';
import { STARTER_ACTIONS, type PlanAction } from './plan-action.js';
import type { PlanError } from './plan-language.js';
import { STARTER_PLAN_EXAMPLES } from './plan-examples.js';

export interface RunPearlOptions {
  model: LanguageModel;
  /** The action set (default `STARTER_ACTIONS`; `hangjia pearl mine` writes mined ones). */
  actions?: readonly PlanAction[];
  /** Solved plans to pick few-shot examples from (default `STARTER_PLAN_EXAMPLES`). */
  examples?: readonly PlanExample[];
  /** Plans shown in the prompt, picked by the BM25 selector over the examples' questions. Default 3. */
  shots?: number;
  language: Language;
  limits?: Partial<ReasoningLimits>;
  evidenceThreshold: number;
  supportThreshold?: number;
  /** Tokens of the final answer. Default 1024. */
  maxTokens?: number;
  /** The caller's access filter, applied to every search and lookup of the plan. */
  access?: AccessFilter;
  signal?: AbortSignal;
  now?: () => number;
}

/** The plan a run answered with, or why it had none. */
export interface PearlPlan {
  text: string;
  valid: boolean;
  repairs: number;
  /** The validation errors of the last plan, when it stayed invalid. */
  errors: PlanError[];
}

export type PearlResult =
  | { status: 'answered'; answer: Answer; plan: PearlPlan; trace: ReasoningTrace }
  /** The plan stayed invalid after every repair round: the caller falls back (labelled) to plain RAG. */
  | { status: 'invalid-plan'; plan: PearlPlan; trace: ReasoningTrace };

/**
 * PEARL over a knowledge base (Sun et al., 2023, "PEARL: Prompting Large Language Models to Plan
 * and Execute Actions Over Long Documents"): plan generation with the action set and dynamic
 * few-shot plans → validation and repair → step-by-step execution → an answer from the step
 * outputs citing `[n]` the passages the steps read, checked like `ask`'s answers.
 *
 * @example
 * const result = await runPearl(kb, '房东不退押金怎么办？', { model, language: 'zh', evidenceThreshold: 0.35 });
 * if (result.status === 'answered') console.log(result.answer.text, result.trace.events);
 */
export async function runPearl(kb: ReasoningKnowledgeBase, question: string, options: RunPearlOptions): Promise<PearlResult> {
  const now = options.now ?? (() => performance.now());
  const limits = { ...DEFAULT_REASONING_LIMITS, ...options.limits };
  const actions = options.actions ?? STARTER_ACTIONS;
  const trace = new TraceRecorder('pearl', now);
  const examples = options.examples && options.examples.length > 0 ? options.examples : STARTER_PLAN_EXAMPLES;
  const pool = await createExamplePool(
    examples.map((example, index) => ({ id: String(index + 1), input: example.question, output: example.plan, metadata: {} })),
    { analyzer: kb.analyzer },
  );
  const outcome = await generatePlan(question, {
    model: options.model,
    actions,
    examples: { selector: createExampleSelector(pool, 'bm25'), k: Math.min(options.shots ?? 3, examples.length) },
    language: options.language,
    maxSteps: limits.maxSteps,
    maxRepairs: limits.maxRepairs,
    trace,
    now,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  if (!outcome.valid) {
    return { status: 'invalid-plan', plan: { text: outcome.text, valid: false, repairs: outcome.repairs, errors: outcome.errors }, trace: trace.finish() };
  }
  const sources = new SourceList();
  const outputs = await executePlan(kb, question, outcome.plan, {
    model: options.model,
    actions,
    language: options.language,
    limits,
    sources,
    trace,
    now,
    ...(options.access ? { access: options.access } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const started = now();
  const final = await generateText(options.model, {
    messages: finalAnswerMessages(question, outputs, options.language),
    temperature: 0.2,
    maxTokens: options.maxTokens ?? 1024,
    ...(options.signal ? { abortSignal: options.signal } : {}),
  });
  trace.record({ kind: 'model', purpose: 'answer', usage: final.usage, ms: now() - started });
  const finished = trace.finish();
  const answer = citedAnswer({
    question,
    text: final.text,
    sources,
    analyzer: kb.analyzer,
    language: options.language,
    model: options.model,
    trace: finished,
    evidenceThreshold: options.evidenceThreshold,
    incomplete: final.finishReason === 'length',
    ...(options.supportThreshold === undefined ? {} : { supportThreshold: options.supportThreshold }),
  });
  return { status: 'answered', answer, plan: { text: outcome.text, valid: true, repairs: outcome.repairs, errors: [] }, trace: finished };
}

function finalAnswerMessages(question: string, outputs: StepOutputs, language: Language) {
  const notCovered = ANSWER_PROMPT_TEMPLATES[language].notCovered;
  const steps = outputs.map(({ step, output }) => `${step.number}. ${step.variable} = ${step.action}(…)\n${output}`).join('\n\n');
  return [
    {
      role: 'system' as const,
      content:
        language === 'zh'
          ? `根据计划各步骤的结果回答问题。只依据其中编号为 [n] 的资料，每句话后用 [n] 标注依据；资料不足以回答时，只回答“${notCovered}”。`
          : `Answer the question from the results of the plan's steps. Rely only on the passages numbered [n] in them and end each sentence with the [n] it relies on; if they do not answer the question, reply only "${notCovered}".`,
    },
    { role: 'user' as const, content: `${language === 'zh' ? '步骤结果' : 'Step results'}:\n${steps}\n\n${language === 'zh' ? '问题' : 'Question'}: ${question}` },
  ];
}
