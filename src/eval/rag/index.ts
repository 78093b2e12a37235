/**
 * @module eval/rag — answers scored against references (exact match, character F1, ROUGE-L) and
 * RAG answers scored against their contexts (RAGAS faithfulness, answer relevancy, context
 * precision and recall, plus citation correctness), judged by a model or lexically, with a
 * resumable run directory and bootstrap intervals.
 */
export { answerTokens, normalizeAnswerText } from './answer-tokens.js';
export { exactMatch } from './exact-match.js';
export { characterF1, tokenF1 } from './character-f1.js';
export { rougeL, lcsFMeasure, longestCommonSubsequence, type RougeLOptions } from './rouge-l.js';
export { meanOf } from './bootstrap-mean.js';
export {
  RAG_METRIC_NAMES,
  type AnswerRelevancyResult,
  type CitationCorrectnessResult,
  type CitationVerdict,
  type ClaimVerdict,
  type ContextPrecisionResult,
  type ContextRecallResult,
  type FaithfulnessResult,
  type RagEvaluator,
  type RagMetricName,
  type RagPassages,
  type RagWork,
  type RagGeneration,
  type RagRefusal,
  type RagSample,
  type RagScores,
  type ReferenceScores,
} from './rag-sample.js';
export { citationScores, contextPrecisionScore, contextRecallScore, cosineSimilarity, faithfulnessScore } from './rag-scores.js';
export { createLexicalRagEvaluator, type LexicalRagEvaluatorOptions } from './lexical-rag-evaluator.js';
export { createModelRagEvaluator, RAG_JUDGE_TASKS, type ModelRagEvaluatorOptions } from './model-rag-evaluator.js';
export { evaluateRagSample, type RagSampleEvaluation } from './evaluate-rag-sample.js';
export { answerToRagSample, scoredAnswerText } from './answer-to-rag-sample.js';
export { strategyWork } from './strategy-work.js';
export { judgeAnswerCorrectness, ANSWER_CORRECTNESS_TASK, type AnswerCorrectnessVerdict } from './judge-answer-correctness.js';
export { readRagSamples, type MalformedRagSample, type MalformedRagSampleReason, type RagInput, type ReadRagSamplesOptions } from './read-rag-samples.js';
export {
  runRagEvaluation,
  summarizeRagRecords,
  RAG_RECORDS_FILE,
  type RagMetricSummary,
  type RagRecord,
  type RagRunConfig,
  type RagRunResult,
  type RagSummary,
  type RunRagEvaluationOptions,
} from './run-rag-evaluation.js';
