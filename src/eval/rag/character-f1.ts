import { answerTokens, bestOverReferences } from './answer-tokens.js';

/**
 * Token-overlap F1 (SQuAD v1.1 `f1_score`) over `answerTokens`: characters for Chinese, words
 * for English, both in mixed text. The overlap counts tokens as a multiset, ignoring order:
 *
 *   common    = Σ_t min(count_pred(t), count_ref(t))
 *   precision = common / |pred|,  recall = common / |ref|
 *   F1        = 2 · precision · recall / (precision + recall), 0 when common = 0
 *
 * When either side has no tokens, F1 is 1 if both are empty and 0 otherwise (the SQuAD 2.0 rule
 * for no-answer questions). With several references the best one counts.
 *
 * @example
 * characterF1('最长六个月', '六个月') // common 3, P 3/5, R 3/3 → 0.75
 */
export function characterF1(prediction: string, references: string | readonly string[]): number {
  const predicted = answerTokens(prediction);
  return bestOverReferences(references, (reference) => tokenF1(predicted, answerTokens(reference)));
}

/** F1 of two token lists as a multiset overlap (see {@link characterF1}). */
export function tokenF1(predicted: readonly string[], reference: readonly string[]): number {
  if (predicted.length === 0 || reference.length === 0) return predicted.length === reference.length ? 1 : 0;
  const counts = new Map<string, number>();
  for (const token of reference) counts.set(token, (counts.get(token) ?? 0) + 1);
  let common = 0;
  for (const token of predicted) {
    const left = counts.get(token) ?? 0;
    if (left > 0) {
      common += 1;
      counts.set(token, left - 1);
    }
  }
  // 2PR / (P + R) with P = c/|pred|, R = c/|ref| simplifies to 2c / (|pred| + |ref|): one rounding, not four.
  return (2 * common) / (predicted.length + reference.length);
}
