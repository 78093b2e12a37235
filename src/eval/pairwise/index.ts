/**
 * @module eval/pairwise — A against B on the same questions: a model judge in both orders (a win
 * only when both orders agree), a written default rubric (zh/en), win rate with a bootstrap
 * interval, and a resumable GSB review for people in the terminal.
 */
export { readPairwiseAnswers, type PairwiseItem, type PairwiseOutcome, type UnpairedAnswer } from './pairwise-item.js';
export { DEFAULT_PAIRWISE_RUBRIC } from './pairwise-rubric.js';
export { combineSwappedVerdicts, judgePair, PAIRWISE_JUDGE_TASK, type JudgePairOptions, type PairJudgment, type PairwisePreference } from './judge-pair.js';
export { summarizePairwiseOutcomes, type PairwiseSummary } from './pairwise-summary.js';
export {
  runPairwiseComparison,
  PAIRWISE_JUDGMENTS_FILE,
  type PairwiseJudgmentRecord,
  type PairwiseRunConfig,
  type PairwiseRunResult,
  type RunPairwiseComparisonOptions,
} from './run-pairwise-comparison.js';
export { reviewPairwise, PAIRWISE_DECISIONS_FILE, type PairwiseDecision, type PairwiseReviewResult, type ReviewKey, type ReviewPairwiseOptions } from './review-pairwise.js';
