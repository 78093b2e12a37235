import { answerTokens, bestOverReferences } from './answer-tokens.js';

/** Options for {@link rougeL}. */
export interface RougeLOptions {
  /**
   * Weight of recall against precision, β > 0. Default 1 (the F1 used by Google's `rouge-score`
   * and most QA papers); Lin (2004) sets β = P/R, which makes it nearly recall.
   */
  beta?: number;
}

/**
 * ROUGE-L (Lin 2004, "ROUGE: A Package for Automatic Evaluation of Summaries", §3.1): the
 * longest common subsequence of prediction and reference tokens (`answerTokens`: characters
 * for Chinese, words for English), as an F-measure:
 *
 *   R = LCS / |ref|,  P = LCS / |pred|,  F_β = (1 + β²) · P · R / (R + β² · P)
 *
 * Unlike {@link characterF1}, order matters: `月个六` shares three characters with `六个月` but
 * its LCS is 1. Both sides empty give 1, one side empty 0. With several references the best
 * one counts. The LCS is the textbook dynamic programme in O(|pred| · |ref|) time and
 * O(min) memory.
 *
 * @example
 * rougeL('试用期最长六个月', '试用期不得超过六个月') // LCS 6 (试用期 + 六个月), P 6/8, R 6/10 → 2/3
 */
export function rougeL(prediction: string, references: string | readonly string[], options: RougeLOptions = {}): number {
  const beta = options.beta ?? 1;
  const predicted = answerTokens(prediction);
  return bestOverReferences(references, (reference) => lcsFMeasure(predicted, answerTokens(reference), beta));
}

/** The F_β of LCS-based precision and recall (see {@link rougeL}). */
export function lcsFMeasure(predicted: readonly string[], reference: readonly string[], beta = 1): number {
  if (predicted.length === 0 || reference.length === 0) return predicted.length === reference.length ? 1 : 0;
  const common = longestCommonSubsequence(predicted, reference);
  // (1 + β²)PR / (R + β²P) with P = l/|pred|, R = l/|ref| simplifies to (1 + β²)l / (|pred| + β²|ref|).
  const betaSquared = beta * beta;
  return ((1 + betaSquared) * common) / (predicted.length + betaSquared * reference.length);
}

/** Length of the longest common subsequence of two token lists. */
export function longestCommonSubsequence(left: readonly string[], right: readonly string[]): number {
  const [outer, inner] = left.length >= right.length ? [left, right] : [right, left];
  let previous = new Uint32Array(inner.length + 1);
  let current = new Uint32Array(inner.length + 1);
  for (const token of outer) {
    for (let column = 1; column <= inner.length; column += 1) {
      current[column] = token === inner[column - 1] ? previous[column - 1]! + 1 : Math.max(previous[column]!, current[column - 1]!);
    }
    [previous, current] = [current, previous];
  }
  return previous[inner.length]!;
}
