/**
 * @module reasoning — past retrieve-then-answer: PEARL planning over long documents (action mining,
 * plan generation in a small plan language, validation and repair, step execution, cited answer)
 * and a bounded tool-calling agent (search, statute lookup, exact arithmetic, legal dates, user
 * HTTP tools), both traced, both answering with `[n]` citations checked like `ask`'s; and the one
 * entry that picks a strategy (`answerWithStrategy`).
 */
export { answerWithStrategy, ANSWER_STRATEGIES } from './answer-with-strategy.js';
export type { AnsweringStrategy, AnswerWithStrategyOptions, StrategyAnswer, StrategyFallback } from './answer-with-strategy.js';
export { DEFAULT_REASONING_LIMITS, type ReasoningLimits } from './reasoning-limits.js';
export type { ReasoningTrace, TraceEvent, ModelCallTrace, ToolCallTrace, PlanStepTrace, PlanAttemptTrace, StopReason } from './reasoning-trace.js';
export { runAgent, type RunAgentOptions } from './agent/run-agent.js';
export { runPearl, type RunPearlOptions, type PearlResult, type PearlPlan } from './pearl/run-pearl.js';
export { parsePlan, validatePlan, formatPlanErrors, QUESTION_VARIABLE, type ParsedPlan, type PlanStep, type PlanArgument, type PlanError } from './pearl/plan-language.js';
export { STARTER_ACTIONS, type PlanAction, type ActionKind } from './pearl/plan-action.js';
export { STARTER_PLAN_EXAMPLES } from './pearl/plan-examples.js';
export { readActionsFile, writeActionsFile, type ActionsFile, type PlanExample } from './pearl/actions-file.js';
export { mineActions, mergeProposals, normalizeActionName, type MiningQuestion, type MiningProgress, type MineActionsOptions, type MineActionsResult, type ActionProposal } from './pearl/mine-actions.js';
export { BUILT_IN_TOOLS } from './tools/built-in-tools.js';
export { graphQueryTool, hasKnowledgeGraph } from './tools/graph-query-tool.js';
export { createHttpTools, type HttpToolSpecification } from './tools/http-tool.js';
export type { ReasoningTool, ToolContext } from './tools/reasoning-tool.js';
export type { ReasoningKnowledgeBase } from './tools/reasoning-knowledge-base.js';
export { calculateExpression, type Calculation } from './tools/calculate-expression.js';
export { addToDate, dateDifference, type DateUnit } from './tools/legal-dates.js';
export { articleNumber, articleLabel, normalizeLawTitle } from './tools/article-number.js';
export { lookupArticle } from './tools/lookup-article.js';
export { searchKnowledgeBase } from './tools/search-within-document.js';
export { reasoningOptionsFromConfig } from './reasoning-options-from-config.js';
export { evidenceRecall } from './evidence-recall.js';
export { articleKey } from './tools/article-number.js';
