/**
 * Reciprocal rank at a cutoff: 1 / the rank of the first relevant document (grade > 0) within the
 * first k, or 0 when there is none (trec_eval `recip_rank`, cut at k). Averaged over queries it is
 * MRR@k.
 *
 * @param rankedGrades the grade of the document at each rank, best first (0 for unjudged)
 * @param cutoff k; `Infinity` for the whole ranking
 */
export function reciprocalRankAtCutoff(rankedGrades: readonly number[], cutoff: number): number {
  const end = Math.min(rankedGrades.length, cutoff);
  for (let index = 0; index < end; index += 1) {
    if ((rankedGrades[index] as number) > 0) return 1 / (index + 1);
  }
  return 0;
}
