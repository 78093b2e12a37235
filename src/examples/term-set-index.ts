import { TopK } from '../index/index.js';

/** A text's terms resolved against a {@link TermSetIndex}: what a set search needs. */
export interface TermSetQuery {
  /** Ids of the distinct terms the index knows, ascending. */
  termIds: Uint32Array;
  /** Distinct terms in the text, known or not: |A| in the Jaccard formula. */
  size: number;
}

/** One member found by {@link TermSetIndex.searchJaccard}. */
export interface TermSetMatch {
  /** Position of the member in the sets the index was built from. */
  member: number;
  /** |A ∩ B| / |A ∪ B|, in (0, 1]. */
  score: number;
}

/**
 * The sets of terms of many short texts (example inputs), stored for exact Jaccard search.
 *
 * Jaccard similarity (intersection over union, IoU) of two term sets A and B is
 *
 *     J(A, B) = |A ∩ B| / |A ∪ B| = |A ∩ B| / (|A| + |B| − |A ∩ B|)
 *
 * the measure the source essay uses to pick few-shot examples (seed 001, after LangChain's
 * example selectors). Scoring every member for every input costs O(n·|A|); but a member sharing no
 * term scores 0 and is never worth selecting, so an inverted index (term → members holding it)
 * lets one pass over the query terms' posting lists count |A ∩ B| for exactly the members that
 * share a term, and the member's set size, stored once, gives the union. Cost: the summed posting
 * lengths of the query's terms, not the pool size.
 *
 * Layout (n members, T terms), both compressed-sparse-row in flat typed arrays:
 *
 *   setOffsets[m] … setOffsets[m+1]           → member m's distinct term ids, ascending
 *   postingOffsets[t] … postingOffsets[t+1]   → members holding term t, ascending
 *
 * Searches count intersections in one scratch array reused across calls, so they are synchronous
 * and not re-entrant, which is fine on one JS thread.
 *
 * @example
 * const index = TermSetIndex.build([['试用期', '工资'], ['试用期', '期限']]);
 * index.searchJaccard(index.resolve(['试用期', '期限']), 1); // [{ member: 1, score: 1 }]
 */
export class TermSetIndex {
  private readonly termIds: Map<string, number>;
  private readonly terms: string[];
  private readonly setOffsets: Uint32Array;
  private readonly setTerms: Uint32Array;
  private readonly postingOffsets: Uint32Array;
  private readonly postings: Uint32Array;
  private readonly intersections: Uint32Array;
  private readonly touched: Uint32Array;

  private constructor(terms: string[], termIds: Map<string, number>, setOffsets: Uint32Array, setTerms: Uint32Array) {
    this.terms = terms;
    this.termIds = termIds;
    this.setOffsets = setOffsets;
    this.setTerms = setTerms;
    const memberCount = setOffsets.length - 1;
    this.postingOffsets = new Uint32Array(terms.length + 1);
    for (const termId of setTerms) this.postingOffsets[termId + 1]! += 1;
    for (let termId = 0; termId < terms.length; termId += 1) this.postingOffsets[termId + 1]! += this.postingOffsets[termId]!;
    this.postings = new Uint32Array(setTerms.length);
    const cursor = this.postingOffsets.slice(0, terms.length);
    // Members are visited in ascending order, so every posting list comes out ascending.
    for (let member = 0; member < memberCount; member += 1) {
      for (let position = setOffsets[member]!; position < setOffsets[member + 1]!; position += 1) {
        const termId = setTerms[position]!;
        this.postings[cursor[termId]!] = member;
        cursor[termId]! += 1;
      }
    }
    this.intersections = new Uint32Array(memberCount);
    this.touched = new Uint32Array(memberCount);
  }

  /** Indexes one term list per member; repeated terms within a list count once. */
  static build(termLists: Iterable<readonly string[]>): TermSetIndex {
    const termIds = new Map<string, number>();
    const terms: string[] = [];
    const offsets: number[] = [0];
    const setTerms: number[] = [];
    for (const termList of termLists) {
      const ids = new Set<number>();
      for (const term of termList) {
        let termId = termIds.get(term);
        if (termId === undefined) {
          termId = terms.length;
          terms.push(term);
          termIds.set(term, termId);
        }
        ids.add(termId);
      }
      for (const termId of [...ids].sort((left, right) => left - right)) setTerms.push(termId);
      offsets.push(setTerms.length);
    }
    return new TermSetIndex(terms, termIds, Uint32Array.from(offsets), Uint32Array.from(setTerms));
  }

  /** Number of members. */
  get size(): number {
    return this.setOffsets.length - 1;
  }

  /** Distinct terms over all members. */
  get termCount(): number {
    return this.terms.length;
  }

  /** Resolves a text's terms (repeats allowed) for {@link searchJaccard} and {@link sharedTerms}. */
  resolve(terms: readonly string[]): TermSetQuery {
    const distinct = new Set(terms);
    const known: number[] = [];
    for (const term of distinct) {
      const termId = this.termIds.get(term);
      if (termId !== undefined) known.push(termId);
    }
    return { termIds: Uint32Array.from(known).sort(), size: distinct.size };
  }

  /** Number of distinct terms of `member`. */
  setSize(member: number): number {
    return this.setOffsets[member + 1]! - this.setOffsets[member]!;
  }

  /**
   * The k members most Jaccard-similar to `query`, best first (ties: earlier member first). Only
   * members sharing at least one term are candidates, so fewer than k may come back; `accept`
   * filters members before ranking.
   */
  searchJaccard(query: TermSetQuery, k: number, accept?: (member: number) => boolean): TermSetMatch[] {
    const { postingOffsets, postings, intersections, touched } = this;
    let touchedCount = 0;
    for (const termId of query.termIds) {
      for (let position = postingOffsets[termId]!; position < postingOffsets[termId + 1]!; position += 1) {
        const member = postings[position]!;
        if (intersections[member] === 0) touched[touchedCount++] = member;
        intersections[member]! += 1;
      }
    }
    const top = new TopK(k, (left, right) => left - right);
    let index = 0;
    try {
      for (; index < touchedCount; index += 1) {
        const member = touched[index]!;
        const shared = intersections[member]!;
        intersections[member] = 0;
        if (accept !== undefined && !accept(member)) continue;
        top.offer(member, shared / (query.size + this.setSize(member) - shared));
      }
    } finally {
      // A throwing `accept` must not leave counts behind for the next search.
      for (; index < touchedCount; index += 1) intersections[touched[index]!] = 0;
    }
    return top.sorted().map(({ slot, score }) => ({ member: slot, score }));
  }

  /** Jaccard similarity of two members' term sets (0 when both are empty). */
  jaccard(left: number, right: number): number {
    const shared = this.countShared(left, right);
    const union = this.setSize(left) + this.setSize(right) - shared;
    return union === 0 ? 0 : shared / union;
  }

  /** The terms `query` and `member` have in common, in term-id order (first seen first). */
  sharedTerms(query: TermSetQuery, member: number): string[] {
    const shared: string[] = [];
    let left = 0;
    let right = this.setOffsets[member]!;
    const end = this.setOffsets[member + 1]!;
    while (left < query.termIds.length && right < end) {
      const queryTerm = query.termIds[left]!;
      const memberTerm = this.setTerms[right]!;
      if (queryTerm === memberTerm) {
        shared.push(this.terms[queryTerm]!);
        left += 1;
        right += 1;
      } else if (queryTerm < memberTerm) {
        left += 1;
      } else {
        right += 1;
      }
    }
    return shared;
  }

  /** |A ∩ B| of two members, by merging their ascending term ids. */
  private countShared(left: number, right: number): number {
    let shared = 0;
    let leftPosition = this.setOffsets[left]!;
    let rightPosition = this.setOffsets[right]!;
    const leftEnd = this.setOffsets[left + 1]!;
    const rightEnd = this.setOffsets[right + 1]!;
    while (leftPosition < leftEnd && rightPosition < rightEnd) {
      const leftTerm = this.setTerms[leftPosition]!;
      const rightTerm = this.setTerms[rightPosition]!;
      if (leftTerm === rightTerm) {
        shared += 1;
        leftPosition += 1;
        rightPosition += 1;
      } else if (leftTerm < rightTerm) {
        leftPosition += 1;
      } else {
        rightPosition += 1;
      }
    }
    return shared;
  }
}
