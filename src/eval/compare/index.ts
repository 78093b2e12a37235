/**
 * @module eval/compare — "train or not" from data (MISSION S10, S11): one domain exam under
 * zero-shot, dynamic few-shot, RAG, RAG + few-shot and any endpoint (a fine-tuned model), side by
 * side with intervals, latency and cost, a written decision rule, the forgetting check on a
 * general-ability set, and question sets generated from a knowledge base kept apart from training
 * data.
 */
export { compareStrategies, strategySlug, type ComparisonStrategy, type CompareStrategiesOptions, type StrategyComparison, type StrategyResult } from './compare-strategies.js';
export {
  retrieveExamContext,
  withRetrievedContext,
  examRetrievalQuery,
  DEFAULT_EXAM_RETRIEVAL,
  RETRIEVAL_FILE,
  type ExamKnowledgeBase,
  type ExamRetrieval,
  type ExamRetrievalOptions,
} from './exam-retrieval.js';
export { recommendStrategy, RECOMMENDATION_RULE, FREE_FORM_RECOMMENDATION_RULE, STRATEGY_KINDS, type Recommendation, type RecommendationInput, type RecommendStrategyOptions, type StrategyKind } from './recommend-strategy.js';
export {
  compareAnswerStrategies,
  ANSWER_COMPARISON_METRICS,
  type AnswerComparison,
  type AnswerComparisonMetric,
  type AnswerStrategy,
  type AnswerStrategyResult,
  type CompareAnswerStrategiesOptions,
} from './compare-answer-strategies.js';
export { createDirectAnswerer, createKnowledgeBaseAnswerer, type DirectAnswererOptions, type FreeFormAnswer, type FreeFormAnswerer } from './free-form-answerers.js';
export { renderAnswerComparisonMarkdown, renderAnswerComparisonHtml } from './render-answer-comparison-report.js';
export { costPerThousandItems, parseTokenPrice, type TokenPrice } from './token-price.js';
export { checkGeneralAbility, type CheckGeneralAbilityOptions, type GeneralAbilityChange, type GeneralAbilityModel } from './general-ability.js';
export { renderComparisonMarkdown, renderComparisonHtml, renderAccuracyChartSvg } from './render-comparison-report.js';
export {
  makeEvaluationSet,
  readTrainingChunkIds,
  groundedShare,
  type EvaluationSet,
  type EvaluationSetSkipReason,
  type EvaluationSetSource,
  type MakeEvaluationSetOptions,
  type ReferenceQuestion,
} from './make-evaluation-set.js';
