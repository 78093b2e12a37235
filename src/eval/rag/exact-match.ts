import { answerTokens, bestOverReferences } from './answer-tokens.js';

/**
 * Exact match after normalisation (SQuAD v1.1 `exact_match_score`): 1 when the prediction's
 * tokens equal a reference's tokens (see `answerTokens`: NFKC, case, punctuation and whitespace
 * do not count; spaces between Chinese characters do not either), else 0. With several
 * references the best one counts.
 *
 * @example
 * exactMatch('六个月。', '六 个 月') // 1
 * exactMatch('Six months', ['6 months', 'six months']) // 1
 */
export function exactMatch(prediction: string, references: string | readonly string[]): number {
  const predicted = answerTokens(prediction).join(' ');
  return bestOverReferences(references, (reference) => (answerTokens(reference).join(' ') === predicted ? 1 : 0));
}
