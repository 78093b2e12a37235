import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLexicalRagEvaluator } from '../rag/index.js';
import { useTemporaryDirectories } from '../../../test/support/temporary-directory.js';
import { compareAnswerStrategies, type AnswerStrategy } from './compare-answer-strategies.js';
import type { FreeFormAnswerer } from './free-form-answerers.js';

const temporaryDirectory = useTemporaryDirectories();

const QUESTIONS = Array.from({ length: 8 }, (_, index) => ({ id: `q${index}`, question: `第${index}条规定的期限是多久？`, reference: `第${index}条规定的期限为六个月。` }));
const PASSAGE = (question: string): string => question.replace('是多久？', '为六个月。');

/** Answers with the reference, cited, from a passage that says it: faithful and correct. */
const faithful: FreeFormAnswerer = async (question) => ({ answer: `${PASSAGE(question).replace('。', '')}[1]。`, contexts: [PASSAGE(question)], usage: { inputTokens: 10, outputTokens: 5 } });
/** Answers with the reference too, but from a passage about something else: correct, and unsupported by its sources. */
const unfaithful: FreeFormAnswerer = async (question) => ({ answer: `${PASSAGE(question).replace('。', '')}[1]。`, contexts: ['消费者可以要求退货、更换或者修理。'], usage: { inputTokens: 1, outputTokens: 1 } });

const strategy = (name: string, kind: AnswerStrategy['kind'], answer: FreeFormAnswerer): AnswerStrategy => ({ name, kind, model: { provider: 'test', modelId: name }, grounded: true, answer, settings: {} });

describe('compareAnswerStrategies', () => {
  it('does not trade faithfulness for cost: an answer unsupported by its passages is not judged, however cheap', async () => {
    const out = temporaryDirectory();
    let clock = 0;
    const comparison = await compareAnswerStrategies(QUESTIONS, {
      strategies: [strategy('rag', 'rag', faithful), strategy('cheap-rag', 'rag', unfaithful)],
      outDirectory: out,
      evaluator: createLexicalRagEvaluator(),
      // One question at a time, so each answer spans exactly one tick of 7 ms.
      concurrency: 1,
      now: () => (clock += 7),
      clock: () => new Date(0),
    });
    const [rag, cheap] = comparison.strategies;
    expect(rag).toMatchObject({ items: 8, runDirectory: path.join(out, 'runs', 'rag'), latencyMs: { p50: 7, p95: 7, mean: 7 }, usage: { inputTokens: 80, outputTokens: 40 }, tokensPerItem: 15 });
    expect(rag!.metrics.characterF1).toMatchObject({ mean: 1, confidenceInterval: [1, 1] });
    expect(cheap!.metrics.characterF1).toMatchObject({ mean: 1, confidenceInterval: [1, 1] });
    expect(rag!.metrics.faithfulness).toMatchObject({ items: 8, mean: 1 });
    expect(cheap!.metrics.faithfulness).toMatchObject({ items: 8, mean: 0 });
    // Same character F1, and cheap-rag uses fewer tokens: without the grounding check it would win.
    expect(comparison.recommendation).toMatchObject({ strategy: 'rag', excluded: [{ name: 'cheap-rag', reason: "its faithfulness interval lies wholly below rag's" }] });
    expect(cheap!.pairedVersusRecommended!.faithfulness).toMatchObject({ items: 8, difference: -1 });
    expect(comparison.createdAt).toBe('1970-01-01T00:00:00.000Z');
  });
});
