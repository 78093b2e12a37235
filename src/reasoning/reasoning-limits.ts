/**
 * Bounds of a PEARL or agent run. A run that reaches one stops calling tools (or running steps)
 * and answers from what it has read, with `trace.stopped` saying which bound stopped it.
 */
export interface ReasoningLimits {
  /** Agent: model turns that may call tools (then one last turn must answer). PEARL: most plan steps. Default 8. */
  maxSteps: number;
  /** Agent: tool calls in all. Default 12. */
  maxToolCalls: number;
  /** PEARL: rounds of plan repair before falling back to RAG. Default 2. */
  maxRepairs: number;
  /** Input plus output tokens of all model calls, as reported. Default 60 000. */
  tokenBudget: number;
  /** Wall time of the run in milliseconds. Default 300 000. */
  timeBudgetMs: number;
}

export const DEFAULT_REASONING_LIMITS: ReasoningLimits = { maxSteps: 8, maxToolCalls: 12, maxRepairs: 2, tokenBudget: 60_000, timeBudgetMs: 300_000 };
