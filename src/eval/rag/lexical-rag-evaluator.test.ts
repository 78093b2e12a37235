import { describe, expect, it } from 'vitest';
import type { Analyzer } from '../../analysis/index.js';
import { createLexicalRagEvaluator, evaluateRagSample, type RagSample } from '../index.js';

/** Lower-cased ASCII words, each of weight 1: coverage is then a plain share of words, computable by hand. */
const words: Analyzer = { name: 'words', version: 1, analyze: (text) => text.toLowerCase().match(/[a-z0-9]+/g) ?? [] };

const sample: RagSample = {
  id: 'probation',
  question: 'how long is probation',
  answer: 'Probation lasts six months [1][2]. Wages are paid weekly [2]. Overtime is doubled.',
  contexts: ['wages are paid monthly', 'probation lasts six months'],
  reference: 'Probation lasts at most six months. It cannot be extended.',
};

describe('createLexicalRagEvaluator', () => {
  it('scores every metric by weighted term coverage (hand-computed with one-per-word weights)', async () => {
    const evaluation = await evaluateRagSample(sample, createLexicalRagEvaluator({ analyzer: words, termWeight: () => 1 }));
    // Claims: "probation lasts six months" 4/4 in the contexts ✓; "wages are paid weekly" 3/4 (no
    // "weekly") = 0.75 ≥ 0.5 ✓; "overtime is doubled" 0/3 ✗ → faithfulness 2/3.
    expect(evaluation.faithfulness.claims.map(({ claim, supported, support }) => [claim, supported, support])).toEqual([
      ['Probation lasts six months.', true, 1],
      ['Wages are paid weekly.', true, 0.75],
      ['Overtime is doubled.', false, 0],
    ]);
    expect(evaluation.scores.faithfulness).toBe(2 / 3);
    // Question terms how, long, is, probation; the answer has "is" and "probation" → 2/4.
    expect(evaluation.answerRelevancy).toEqual({ score: 0.5, similarity: 'coverage' });
    // Reference claims: "probation lasts at most six months" (6 words) and "it cannot be extended" (4).
    // Context 1 covers neither (0/6, 0/4) → irrelevant; context 2 covers the first 4/6 ≥ 0.5 → relevant.
    // Relevant only at rank 2 → precision (1/2) / 1 = 0.5.
    expect(evaluation.contextPrecision).toEqual({ score: 0.5, relevant: [false, true], judgedAgainst: 'reference' });
    // Recall: the first reference claim attributable (4/6), the second not (0/4) → 1/2.
    expect(evaluation.contextRecall.statements.map((statement) => [statement.attributed, statement.support])).toEqual([
      [true, 4 / 6],
      [false, 0],
    ]);
    expect(evaluation.scores.contextRecall).toBe(0.5);
    // Citations: sentence 1 cites [1] (wages…: 0/4 ✗) and [2] (4/4 ✓) → correct; sentence 2 cites
    // [2] (0/4 ✗) → wrong; sentence 3 cites nothing. Precision 1/3, accuracy 1/2, coverage 2/3.
    expect(evaluation.citations.citations.map(({ sentence, n, supported }) => [sentence, n, supported])).toEqual([
      [0, 1, false],
      [0, 2, true],
      [1, 2, false],
    ]);
    expect([evaluation.scores.citationPrecision, evaluation.scores.citedSentenceAccuracy, evaluation.scores.citationCoverage]).toEqual([1 / 3, 0.5, 2 / 3]);
    // Reference metrics on the answer without markers vs the reference (words): no exact match;
    // pred "probation lasts six months wages are paid weekly overtime is doubled" = 11 words, ref
    // "probation lasts at most six months it cannot be extended" = 10; common probation, lasts,
    // six, months = 4 → F1 2·4/(11 + 10) = 8/21. LCS "probation lasts six months" = 4 → ROUGE-L 8/21.
    expect(evaluation.scores.exactMatch).toBe(0);
    expect(evaluation.scores.characterF1).toBe(8 / 21);
    expect(evaluation.scores.rougeL).toBe(8 / 21);
  });

  it('judges context precision against the answer when there is no reference, and flags markers that point nowhere', async () => {
    const { reference: _reference, ...withoutReference } = sample;
    const evaluation = await evaluateRagSample({ ...withoutReference, answer: 'Wages are paid monthly [3].' }, createLexicalRagEvaluator({ analyzer: words, termWeight: () => 1 }));
    expect(evaluation.contextPrecision).toEqual({ score: 1, relevant: [true, false], judgedAgainst: 'answer' });
    expect(evaluation.scores.contextRecall).toBeNull();
    expect(evaluation.citations.citations).toEqual([{ sentence: 0, n: 3, supported: false, reason: 'no-such-source' }]);
    expect(evaluation.scores.citationPrecision).toBe(0);
  });

  it('with the default analyzer, catches an invented figure in Chinese and the wrong citation', async () => {
    const evaluation = await evaluateRagSample(
      {
        id: 'zh',
        question: '试用期最长多久？',
        answer: '劳动合同期限三年以上的，试用期不得超过六个月[1]。违约金为五千元[1]。',
        contexts: ['劳动合同期限三年以上的，试用期不得超过六个月。', '用人单位应当按时足额支付劳动报酬。'],
      },
      createLexicalRagEvaluator(),
    );
    expect(evaluation.faithfulness.claims.map((claim) => claim.supported)).toEqual([true, false]);
    expect(evaluation.scores.faithfulness).toBe(0.5);
    expect(evaluation.scores.citationPrecision).toBe(0.5);
    expect(evaluation.contextPrecision.relevant).toEqual([true, false]);
  });
});
