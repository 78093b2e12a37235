import type { ExampleSelector } from '../../examples/index.js';
import { generateText, type LanguageModel, type LanguageModelMessage } from '../../models/index.js';
import type { Language } from '../../prompt/index.js';
import type { TraceRecorder } from '../reasoning-trace.js';
import type { PlanAction } from './plan-action.js';
import { formatPlanErrors, parsePlan, QUESTION_VARIABLE, validatePlan, type ParsedPlan, type PlanError } from './plan-language.js';

export interface GeneratePlanOptions {
  model: LanguageModel;
  actions: readonly PlanAction[];
  /** Picks the solved plans shown (dynamic few-shot); their `input` is a question, `output` its plan. */
  examples?: { selector: ExampleSelector; k: number };
  language: Language;
  maxSteps: number;
  /** Repair rounds after the first plan. */
  maxRepairs: number;
  trace: TraceRecorder;
  now: () => number;
  signal?: AbortSignal;
}

/** A valid plan, or the last invalid one with its errors once the repair rounds ran out. */
export type PlanOutcome = { valid: true; plan: ParsedPlan; text: string; repairs: number } | { valid: false; text: string; errors: PlanError[]; repairs: number };

/**
 * Plan generation with self-refinement (PEARL §3.2–3.3): the model writes a plan in the plan
 * language from the action list and a few solved plans; the plan is parsed and validated; while
 * it has errors and repair rounds remain, the model gets its own plan back with every error
 * quoted (line, column, message) and writes it again.
 */
export async function generatePlan(question: string, options: GeneratePlanOptions): Promise<PlanOutcome> {
  const { model, actions, trace, now } = options;
  const fewShot = options.examples ? await options.examples.selector.select(question, { k: options.examples.k }) : [];
  const messages: LanguageModelMessage[] = [
    { role: 'system', content: planningInstructions(actions, options.language, options.maxSteps) },
    ...fewShot.flatMap(({ example }): LanguageModelMessage[] => [
      { role: 'user', content: example.input },
      { role: 'assistant', content: example.output },
    ]),
    { role: 'user', content: question },
  ];
  let repairs = 0;
  for (;;) {
    const started = now();
    const result = await generateText(model, { messages, temperature: 0, maxTokens: 512, ...(options.signal ? { abortSignal: options.signal } : {}) });
    trace.record({ kind: 'model', purpose: repairs === 0 ? 'plan' : 'repair', usage: result.usage, ms: now() - started });
    const plan = parsePlan(result.text);
    const errors = validatePlan(plan, actions, { maxSteps: options.maxSteps });
    trace.record({ kind: 'plan', round: repairs, text: result.text, errors });
    if (errors.length === 0) return { valid: true, plan, text: result.text, repairs };
    if (repairs >= options.maxRepairs) return { valid: false, text: result.text, errors, repairs };
    repairs++;
    messages.push(
      { role: 'assistant', content: result.text },
      {
        role: 'user',
        content:
          options.language === 'zh'
            ? `这个计划有错误：\n${formatPlanErrors(errors)}\n请修正后重写完整的计划，只输出计划。`
            : `The plan has errors:\n${formatPlanErrors(errors)}\nFix them and write the whole plan again, the plan only.`,
      },
    );
  }
}

function planningInstructions(actions: readonly PlanAction[], language: Language, maxSteps: number): string {
  const list = actions.map((action) => `- ${action.name}(${action.parameters.join(', ')}): ${action.description}`).join('\n');
  return language === 'zh'
    ? `你为回答问题编写计划。计划每行一步，格式为：
n. 变量 = 动作("字符串参数", 变量参数)
步骤从 1 开始连续编号；每步的输出绑定到一个新变量，后面的步骤可以使用它；${QUESTION_VARIABLE} 表示用户的问题；字符串参数用引号。最多 ${maxSteps} 步。
可用的动作（只能用这些，参数个数必须一致）：
${list}
只输出计划，不要解释。`
    : `You write a plan to answer the question. One step per line:
n. variable = ACTION("string argument", variable_argument)
Number steps from 1 without gaps; each step's output is bound to a new variable that later steps may use; ${QUESTION_VARIABLE} is the user's question; quote string arguments. At most ${maxSteps} steps.
Actions (use only these, with exactly their arguments):
${list}
Write the plan only, no explanation.`;
}
