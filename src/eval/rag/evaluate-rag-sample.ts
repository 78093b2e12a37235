import { stripMarkers } from './_sentences.js';
import { characterF1 } from './character-f1.js';
import { exactMatch } from './exact-match.js';
import { rougeL } from './rouge-l.js';
import type {
  AnswerRelevancyResult,
  CitationCorrectnessResult,
  ContextPrecisionResult,
  ContextRecallResult,
  FaithfulnessResult,
  RagEvaluator,
  RagSample,
  RagScores,
  ReferenceScores,
} from './rag-sample.js';

/** Every score of one sample, with the verdicts behind each (so a number can be explained). */
export interface RagSampleEvaluation {
  id: string;
  scores: RagScores & ReferenceScores;
  faithfulness: FaithfulnessResult;
  answerRelevancy: AnswerRelevancyResult;
  contextPrecision: ContextPrecisionResult;
  contextRecall: ContextRecallResult;
  citations: CitationCorrectnessResult;
}

/**
 * Scores one sample with `evaluator` (model-judged or lexical) plus the reference-based metrics
 * when it has a reference (on the answer without its `[n]` markers). The evaluator's metrics run one after another in a fixed order
 * (faithfulness, answer relevancy, context precision, context recall, citations), so a judge
 * sees its calls in the same order on every run.
 *
 * @example
 * const evaluation = await evaluateRagSample(sample, createLexicalRagEvaluator());
 * evaluation.scores.faithfulness; // e.g. 0.5: one of two claims supported
 */
export async function evaluateRagSample(sample: RagSample, evaluator: RagEvaluator, signal?: AbortSignal): Promise<RagSampleEvaluation> {
  const faithfulness = await evaluator.faithfulness(sample, signal);
  const answerRelevancy = await evaluator.answerRelevancy(sample, signal);
  const contextPrecision = await evaluator.contextPrecision(sample, signal);
  const contextRecall = await evaluator.contextRecall(sample, signal);
  const citations = await evaluator.citationCorrectness(sample, signal);
  const reference = sample.reference;
  // Citation markers are not part of the answer's wording.
  const text = stripMarkers(sample.answer);
  return {
    id: sample.id,
    scores: {
      faithfulness: faithfulness.score,
      answerRelevancy: answerRelevancy.score,
      contextPrecision: contextPrecision.score,
      contextRecall: contextRecall.score,
      citationPrecision: citations.citationPrecision,
      citedSentenceAccuracy: citations.citedSentenceAccuracy,
      citationCoverage: citations.citationCoverage,
      exactMatch: reference === undefined ? null : exactMatch(text, reference),
      characterF1: reference === undefined ? null : characterF1(text, reference),
      rougeL: reference === undefined ? null : rougeL(text, reference),
    },
    faithfulness,
    answerRelevancy,
    contextPrecision,
    contextRecall,
    citations,
  };
}
