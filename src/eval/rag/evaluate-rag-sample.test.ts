import { describe, expect, it } from 'vitest';
import { evaluateRagSample } from './evaluate-rag-sample.js';
import { createLexicalRagEvaluator } from './lexical-rag-evaluator.js';
import type { RagEvaluator, RagSample } from './rag-sample.js';
import { summarizeRagRecords } from './run-rag-evaluation.js';

/** The lexical evaluator, recording which of its metrics were asked for. */
function recordingEvaluator(): { evaluator: RagEvaluator; calls: string[] } {
  const inner = createLexicalRagEvaluator();
  const calls: string[] = [];
  const evaluator: RagEvaluator = {
    variant: inner.variant,
    settings: inner.settings,
    faithfulness: (sample) => (calls.push('faithfulness'), inner.faithfulness(sample)),
    answerRelevancy: (sample) => (calls.push('answerRelevancy'), inner.answerRelevancy(sample)),
    contextPrecision: (sample) => (calls.push('contextPrecision'), inner.contextPrecision(sample)),
    contextRecall: (sample) => (calls.push('contextRecall'), inner.contextRecall(sample)),
    citationCorrectness: (sample) => (calls.push('citationCorrectness'), inner.citationCorrectness(sample)),
  };
  return { evaluator, calls };
}

const REFUSAL = '知识库中没有涉及这个问题的内容。';
const sample: RagSample = {
  id: 'q1',
  question: '试用期最长多久？',
  answer: REFUSAL,
  contexts: ['试用期不得超过六个月。', '年休假五天。'],
  reference: '试用期不得超过六个月。',
};

describe('evaluateRagSample with a refusal', () => {
  it('asks nothing about claims and citations, scores answer relevancy 0, and the rest as for any answer', async () => {
    const { evaluator, calls } = recordingEvaluator();
    const evaluation = await evaluateRagSample({ ...sample, refusal: 'model' }, evaluator);
    expect(calls).toEqual(['contextPrecision', 'contextRecall']);
    // The reference is in context 1 only → precision 1, recall 1. Of the refusal's 15 characters
    // only 个 is among the reference's 10 → F1 = ROUGE-L = 2·1 / (15 + 10) = 2/25.
    expect(evaluation.scores).toEqual({
      faithfulness: null,
      answerRelevancy: 0,
      contextPrecision: 1,
      contextRecall: 1,
      citationPrecision: null,
      citedSentenceAccuracy: null,
      citationCoverage: null,
      exactMatch: 0,
      characterF1: 2 / 25,
      rougeL: 2 / 25,
    });
    expect(evaluation.faithfulness).toEqual({ score: null, claims: [] });
    expect(evaluation.answerRelevancy).toEqual({ score: 0, noncommittal: true, similarity: 'none' });
    expect(evaluation.citations).toEqual({ citationPrecision: null, citedSentenceAccuracy: null, citationCoverage: null, sentences: [], citations: [] });
  });

  it('leaves context precision out without a reference: a refusal makes no passage useful', async () => {
    const { evaluator, calls } = recordingEvaluator();
    const { reference: _reference, ...unreferenced } = sample;
    const evaluation = await evaluateRagSample({ ...unreferenced, refusal: 'evidence-threshold' }, evaluator);
    expect(calls).toEqual(['contextRecall']);
    expect(evaluation.contextPrecision).toEqual({ score: null, relevant: [], judgedAgainst: 'answer' });
    expect(Object.values(evaluation.scores).filter((score) => score !== null)).toEqual([0]); // answer relevancy only
  });

  it('scores the same text as a claim when it is not marked as a refusal (a file of answers from elsewhere)', async () => {
    const { evaluator, calls } = recordingEvaluator();
    const evaluation = await evaluateRagSample(sample, evaluator);
    expect(calls).toEqual(['faithfulness', 'answerRelevancy', 'contextPrecision', 'contextRecall', 'citationCorrectness']);
    // One sentence, none of its terms in the contexts → an unsupported claim; one uncited sentence → coverage 0.
    expect(evaluation.scores).toMatchObject({ faithfulness: 0, citationPrecision: null, citationCoverage: 0 });
  });
});

describe('summarizeRagRecords', () => {
  it('takes each mean over the items where the metric applies, and counts refusals and budget-limited items', () => {
    const scores = (faithfulness: number | null, exactMatch: number) => ({
      faithfulness,
      answerRelevancy: null,
      contextPrecision: null,
      contextRecall: null,
      citationPrecision: null,
      citedSentenceAccuracy: null,
      citationCoverage: null,
      exactMatch,
      characterF1: null,
      rougeL: null,
    });
    const summary = summarizeRagRecords(
      [
        { scores: scores(null, 0), sample: { refusal: 'evidence-threshold', passages: { retrieved: 2, dropped: [], truncated: [] } } },
        { scores: scores(1 / 2, 1), sample: { passages: { retrieved: 3, dropped: [3], truncated: [] } } },
        { scores: scores(1, 1), sample: { passages: { retrieved: 3, dropped: [], truncated: [2] } } },
        // A record as written before refusals were recorded: no sample fields, nothing counted.
        { scores: scores(1, 0) },
      ],
      { variant: 'lexical' },
    );
    expect(summary.metrics.faithfulness).toMatchObject({ items: 3, mean: (1 / 2 + 1 + 1) / 3 });
    expect(summary.metrics.exactMatch).toMatchObject({ items: 4, mean: 1 / 2 });
    expect(summary.metrics.rougeL).toEqual({ items: 0, mean: null, confidenceInterval: null });
    expect(summary.refusals).toEqual({ items: 1, rate: 1 / 4, byReason: { 'evidence-threshold': 1, model: 0 } });
    expect(summary.budgetLimited).toEqual({ items: 2, rate: 2 / 4 });
    expect(summarizeRagRecords([], { variant: 'lexical' })).toMatchObject({ refusals: { items: 0, rate: null }, budgetLimited: { items: 0, rate: null } });
  });
});
