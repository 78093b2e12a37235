import { describe, expect, it } from 'vitest';
import { TermSetIndex } from './term-set-index.js';

/** A small deterministic generator (LCG), so failures reproduce. */
function generator(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
}

/** Random term lists over a small vocabulary, so sets overlap often and ties happen. */
function randomTermLists(next: () => number, count: number, vocabulary: number): string[][] {
  return Array.from({ length: count }, () => Array.from({ length: Math.floor(next() * 8) }, () => `t${Math.floor(next() * vocabulary)}`));
}

/** The oracle: score every member by the Jaccard formula on plain Sets, sort, take k. */
function bruteForceJaccard(lists: string[][], query: string[], k: number, accept: (member: number) => boolean): { member: number; score: number }[] {
  const querySet = new Set(query);
  return lists
    .map((list, member) => {
      const set = new Set(list);
      const shared = [...set].filter((term) => querySet.has(term)).length;
      return { member, score: shared / (querySet.size + set.size - shared), shared };
    })
    .filter((scored) => scored.shared > 0 && accept(scored.member))
    .sort((left, right) => right.score - left.score || left.member - right.member)
    .slice(0, k)
    .map(({ member, score }) => ({ member, score }));
}

describe('TermSetIndex', () => {
  it('finds exactly what a brute-force Jaccard scan finds, on generated sets', () => {
    const next = generator(7);
    for (let round = 0; round < 40; round += 1) {
      const lists = randomTermLists(next, 60, 25);
      const index = TermSetIndex.build(lists);
      for (let trial = 0; trial < 10; trial += 1) {
        // Queries may hold terms no member has (t25…t29): they count in |A| but match nothing.
        const query = Array.from({ length: 1 + Math.floor(next() * 8) }, () => `t${Math.floor(next() * 30)}`);
        const k = 1 + Math.floor(next() * 10);
        const banned = Math.floor(next() * 60);
        const accept = (member: number): boolean => member !== banned;
        expect(index.searchJaccard(index.resolve(query), k, accept)).toEqual(bruteForceJaccard(lists, query, k, accept));
        expect(index.searchJaccard(index.resolve(query), k)).toEqual(bruteForceJaccard(lists, query, k, () => true));
      }
      const left = Math.floor(next() * 60);
      const right = Math.floor(next() * 60);
      const [oracle] = bruteForceJaccard([lists[left]!], lists[right]!, 1, () => true);
      expect(index.jaccard(left, right)).toBe(oracle?.score ?? 0);
    }
  });

  it('counts repeated terms once and lists shared terms', () => {
    const index = TermSetIndex.build([['a', 'b', 'a'], ['b', 'c']]);
    const query = index.resolve(['b', 'a', 'z', 'z']);
    expect(query.size).toBe(3); // a, b and the unknown z
    expect(index.setSize(0)).toBe(2);
    // Member 0: {a, b} ∩ {a, b, z} = 2, union 3. Member 1: {b, c} ∩ = 1, union 4.
    expect(index.searchJaccard(query, 5)).toEqual([
      { member: 0, score: 2 / 3 },
      { member: 1, score: 1 / 4 },
    ]);
    expect(index.sharedTerms(query, 0)).toEqual(['a', 'b']);
  });

  it('leaves no counts behind when the accept callback throws', () => {
    const index = TermSetIndex.build([['a'], ['a', 'b']]);
    expect(() => index.searchJaccard(index.resolve(['a']), 2, () => {
      throw new Error('boom');
    })).toThrow('boom');
    expect(index.searchJaccard(index.resolve(['a']), 2)).toEqual([
      { member: 0, score: 1 },
      { member: 1, score: 1 / 2 },
    ]);
  });
});
