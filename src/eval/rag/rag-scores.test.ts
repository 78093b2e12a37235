import { describe, expect, it } from 'vitest';
import { bootstrapAccuracyInterval, bootstrapMeanInterval, citationScores, contextPrecisionScore, contextRecallScore, cosineSimilarity, faithfulnessScore, summarizeRagRecords } from '../index.js';

describe('RAG scores from verdicts', () => {
  it('faithfulness and context recall are shares of supported claims', () => {
    expect(faithfulnessScore([true, false, true, true])).toBe(0.75);
    expect(faithfulnessScore([])).toBeNull();
    expect(contextRecallScore([true, false])).toBe(0.5);
  });

  it('context precision is the mean precision@k at the relevant ranks', () => {
    // relevant at ranks 1 and 3: (1/1 + 2/3) / 2 = 5/6
    expect(contextPrecisionScore([true, false, true])).toBeCloseTo(5 / 6, 15);
    // the same single relevant context ranked 2nd instead of 1st: (1/2) / 1
    expect(contextPrecisionScore([false, true])).toBe(0.5);
    expect(contextPrecisionScore([true, false])).toBe(1);
    expect(contextPrecisionScore([false, false])).toBe(0);
    expect(contextPrecisionScore([])).toBeNull();
  });

  it('citation scores: precision over citations, accuracy over cited sentences, coverage over sentences', () => {
    // sentence 0 cites two passages (one supports), sentence 1 one wrong passage, sentence 2 nothing
    const scores = citationScores(3, [
      { sentence: 0, supported: false },
      { sentence: 0, supported: true },
      { sentence: 1, supported: false },
    ]);
    expect(scores).toEqual({ citationPrecision: 1 / 3, citedSentenceAccuracy: 0.5, citationCoverage: 2 / 3, correct: [true, false, null] });
    expect(citationScores(2, [])).toEqual({ citationPrecision: null, citedSentenceAccuracy: null, citationCoverage: 0, correct: [null, null] });
  });

  it('cosine similarity', () => {
    expect(cosineSimilarity([1, 0], [3, 4])).toBe(0.6); // 3 / (1 · 5)
    expect(cosineSimilarity([0, 0], [3, 4])).toBe(0);
  });
});

describe('bootstrapMeanInterval', () => {
  it('agrees with the exam bootstrap on 0/1 data for the same seed', () => {
    const outcomes = [true, false, true, true, false, true, false, true, true, true, false, false, true];
    for (const seed of [0, 1, 42]) {
      expect(bootstrapMeanInterval(outcomes.map(Number), { seed })).toEqual(bootstrapAccuracyInterval(outcomes, { seed }));
    }
  });

  it('collapses on constant data and is undefined for none', () => {
    expect(bootstrapMeanInterval([0.5, 0.5, 0.5])).toEqual([0.5, 0.5]);
    expect(bootstrapMeanInterval([])).toBeUndefined();
  });

  it('summaries leave out items where a metric does not apply', () => {
    const scores = (faithfulness: number | null, contextRecall: number | null) => ({
      scores: { faithfulness, answerRelevancy: null, contextPrecision: null, contextRecall, citationPrecision: null, citedSentenceAccuracy: null, citationCoverage: null, exactMatch: null, characterF1: null, rougeL: null },
    });
    const summary = summarizeRagRecords([scores(1, null), scores(0.5, 0.25)], { variant: 'lexical', items: 3 });
    expect(summary.metrics.faithfulness.items).toBe(2);
    expect(summary.metrics.faithfulness.mean).toBe(0.75); // (1 + 0.5) / 2
    expect(summary.metrics.contextRecall).toEqual({ items: 1, mean: 0.25, confidenceInterval: [0.25, 0.25] });
    expect(summary.metrics.exactMatch).toEqual({ items: 0, mean: null, confidenceInterval: null });
    expect(summary.pending).toBe(1);
  });
});
