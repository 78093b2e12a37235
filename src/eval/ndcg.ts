/**
 * Normalised discounted cumulative gain at a cutoff, as trec_eval's `ndcg_cut` (and so BEIR and
 * pytrec_eval) computes it:
 *
 *   DCG@k  = Σ_{i=1..k} gain(i) / log2(i + 1)      gain = the judged grade (linear, not 2^g − 1)
 *   nDCG@k = DCG@k / IDCG@k                         IDCG: the same sum over the judged grades sorted
 *                                                   descending, i.e. the best ranking the qrels allow
 *
 * Unjudged documents and grades ≤ 0 add no gain. Returns 0 when no grade is positive.
 *
 * @param rankedGrades the grade of the document at each rank, best first (0 for unjudged)
 * @param idealGrades the positive grades in the qrels for this query, highest first
 * @param cutoff k; `Infinity` for the whole ranking
 */
export function ndcgAtCutoff(rankedGrades: readonly number[], idealGrades: readonly number[], cutoff: number): number {
  const ideal = discountedGain(idealGrades, cutoff);
  return ideal === 0 ? 0 : discountedGain(rankedGrades, cutoff) / ideal;
}

function discountedGain(grades: readonly number[], cutoff: number): number {
  const end = Math.min(grades.length, cutoff);
  let sum = 0;
  for (let index = 0; index < end; index += 1) {
    const grade = grades[index] as number;
    // index is 0-based, so rank i = index + 1 is discounted by log2(i + 1) = log2(index + 2).
    if (grade > 0) sum += grade / Math.log2(index + 2);
  }
  return sum;
}
