/**
 * Recall at a cutoff: relevant documents (grade > 0) among the first k retrieved, divided by all
 * relevant documents in the qrels for the query (trec_eval `recall.k`). Returns 0 when the qrels
 * hold no relevant document (callers skip such queries).
 *
 * @param rankedGrades the grade of the document at each rank, best first (0 for unjudged)
 * @param relevantCount the number of documents with grade > 0 in the qrels for this query
 * @param cutoff k; `Infinity` for the whole ranking
 */
export function recallAtCutoff(rankedGrades: readonly number[], relevantCount: number, cutoff: number): number {
  if (relevantCount === 0) return 0;
  const end = Math.min(rankedGrades.length, cutoff);
  let found = 0;
  for (let index = 0; index < end; index += 1) {
    if ((rankedGrades[index] as number) > 0) found += 1;
  }
  return found / relevantCount;
}
