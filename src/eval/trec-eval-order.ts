import type { ScoredDocument } from './run.js';

/**
 * Orders retrieved documents the way trec_eval does, so our numbers can be reproduced with it:
 * by score, highest first, and ties by document id in *descending* byte order. trec_eval ignores
 * the rank column of a run file and sorts with `comp_sim_docno` in `form_res_rels.c`:
 *
 * ```c
 * if (ptr1->sim > ptr2->sim) return -1;
 * if (ptr1->sim < ptr2->sim) return 1;
 * return strcmp(ptr2->docno, ptr1->docno);   // note: ptr2 first, so docno descending
 * ```
 *
 * `strcmp` compares UTF-8 bytes, which orders strings as their code points; JavaScript's `<`
 * compares UTF-16 code units, which differs above U+FFFF, so ids are compared by code point here.
 */
export function compareByTrecEvalOrder(left: ScoredDocument, right: ScoredDocument): number {
  if (left.score > right.score) return -1;
  if (left.score < right.score) return 1;
  return compareCodePoints(right.docid, left.docid);
}

/** Returns a new array of the documents in trec_eval order (see `compareByTrecEvalOrder`). */
export function rankByTrecEvalOrder(documents: readonly ScoredDocument[]): ScoredDocument[] {
  return [...documents].sort(compareByTrecEvalOrder);
}

function compareCodePoints(left: string, right: string): number {
  const leftPoints = left[Symbol.iterator]();
  const rightPoints = right[Symbol.iterator]();
  for (;;) {
    const leftNext = leftPoints.next();
    const rightNext = rightPoints.next();
    if (leftNext.done === true) return rightNext.done === true ? 0 : -1;
    if (rightNext.done === true) return 1;
    const difference = (leftNext.value.codePointAt(0) as number) - (rightNext.value.codePointAt(0) as number);
    if (difference !== 0) return difference;
  }
}
