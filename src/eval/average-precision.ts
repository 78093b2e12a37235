/**
 * Average precision, optionally cut at k (trec_eval `map` and `map_cut.k`): the sum, over every
 * relevant document (grade > 0) retrieved within the first k, of the precision at its rank,
 * divided by the number of relevant documents in the qrels, so relevant documents that were never
 * retrieved count as precision 0. Averaged over queries it is MAP.
 *
 *   ranks 1..4 = [rel, non, rel, non], 3 relevant in qrels → (1/1 + 2/3) / 3 = 0.5556
 *
 * @param rankedGrades the grade of the document at each rank, best first (0 for unjudged)
 * @param relevantCount the number of documents with grade > 0 in the qrels for this query
 * @param cutoff k; `Infinity` for the whole ranking
 */
export function averagePrecisionAtCutoff(rankedGrades: readonly number[], relevantCount: number, cutoff: number): number {
  if (relevantCount === 0) return 0;
  const end = Math.min(rankedGrades.length, cutoff);
  let found = 0;
  let precisionSum = 0;
  for (let index = 0; index < end; index += 1) {
    if ((rankedGrades[index] as number) > 0) {
      found += 1;
      precisionSum += found / (index + 1);
    }
  }
  return precisionSum / relevantCount;
}
