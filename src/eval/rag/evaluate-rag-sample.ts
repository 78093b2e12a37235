import { stripMarkers } from '../../answer/index.js';
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
 * A refusal (`sample.refusal`) makes no claims, so the evaluator is not asked about what does
 * not apply to it: faithfulness and the citation metrics are null (left out of their means, not
 * counted as 0 or 1), answer relevancy is 0 as RAGAS scores a noncommittal answer, and context
 * precision is null without a reference (there is nothing else to judge a passage useful for).
 * Context recall and the reference-based metrics are scored as for any answer: a refusal of a
 * question the reference answers is simply wrong.
 *
 * @example
 * const evaluation = await evaluateRagSample(sample, createLexicalRagEvaluator());
 * evaluation.scores.faithfulness; // e.g. 0.5: one of two claims supported
 */
export async function evaluateRagSample(sample: RagSample, evaluator: RagEvaluator, signal?: AbortSignal): Promise<RagSampleEvaluation> {
  const refused = sample.refusal !== undefined;
  const faithfulness: FaithfulnessResult = refused ? { score: null, claims: [] } : await evaluator.faithfulness(sample, signal);
  const answerRelevancy: AnswerRelevancyResult = refused ? { score: 0, noncommittal: true, similarity: 'none' } : await evaluator.answerRelevancy(sample, signal);
  const contextPrecision: ContextPrecisionResult =
    refused && sample.reference === undefined ? { score: null, relevant: [], judgedAgainst: 'answer' } : await evaluator.contextPrecision(sample, signal);
  const contextRecall = await evaluator.contextRecall(sample, signal);
  const citations: CitationCorrectnessResult = refused
    ? { citationPrecision: null, citedSentenceAccuracy: null, citationCoverage: null, sentences: [], citations: [] }
    : await evaluator.citationCorrectness(sample, signal);
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
