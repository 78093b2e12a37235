import { describe, expect, it } from 'vitest';
import { reciprocalRankFusion } from './fusion.js';

describe('reciprocalRankFusion', () => {
  it('sums weighted reciprocal ranks (k = 60), hand-computed', () => {
    const fused = reciprocalRankFusion([
      { retriever: 'lexical', hits: [{ id: 'A', score: 12.1 }, { id: 'B', score: 9.5 }, { id: 'C', score: 3.2 }] },
      { retriever: 'vector', weight: 0.5, hits: [{ id: 'C', score: 0.91 }, { id: 'A', score: 0.88 }, { id: 'D', score: 0.8 }] },
    ]);
    // A: 1/61 + 0.5/62 = 0.0244580 — near the top of both lists, so first.
    // C: 1/63 + 0.5/61 = 0.0240697 — top of the half-weight list lifts it above B.
    // B: 1/62          = 0.0161290 — lexical only.
    // D: 0.5/63        = 0.0079365 — third in the half-weight list only.
    expect(fused.map((hit) => hit.id)).toEqual(['A', 'C', 'B', 'D']);
    expect(fused.map((hit) => hit.score)).toEqual([1 / 61 + 0.5 / 62, 1 / 63 + 0.5 / 61, 1 / 62, 0.5 / 63].map((score) => expect.closeTo(score, 12)));
    expect(fused[1]?.scores).toEqual([
      { retriever: 'lexical', score: 3.2, rank: 3 },
      { retriever: 'vector', score: 0.91, rank: 1 },
    ]);
    expect(fused[3]?.scores).toEqual([{ retriever: 'vector', score: 0.8, rank: 3 }]);
  });

  it('lets k change how much the top rank dominates', () => {
    const filler = (prefix: string) => [1, 2, 3].map((rank) => ({ id: `${prefix}-${rank}`, score: 1 / rank }));
    // T is first in the lexical list only; S is fourth in both lists.
    const lists = [
      { retriever: 'lexical', hits: [{ id: 'T', score: 9 }, ...filler('lexical').slice(0, 2), { id: 'S', score: 0.1 }] },
      { retriever: 'vector', hits: [...filler('vector'), { id: 'S', score: 0.1 }] },
    ];
    // k = 1: T = 1/2 = 0.5 beats S = 2/5 = 0.4 — a steep curve rewards one first place.
    const steep = reciprocalRankFusion(lists, { k: 1 });
    expect(steep.map((hit) => hit.id).indexOf('T')).toBeLessThan(steep.map((hit) => hit.id).indexOf('S'));
    expect(steep.find((hit) => hit.id === 'T')?.score).toBeCloseTo(1 / 2, 12);
    // k = 60: S = 2/64 = 0.03125 beats T = 1/61 = 0.0164 — agreement wins.
    const flat = reciprocalRankFusion(lists);
    expect(flat[0]?.id).toBe('S');
    expect(flat[0]?.score).toBeCloseTo(2 / 64, 12);
  });

  it('breaks equal scores by rank in the earlier list, deterministically', () => {
    // X and Y each rank first in one list of equal weight: 1/61 each. The first list wins the tie.
    const fused = reciprocalRankFusion([
      { retriever: 'lexical', hits: [{ id: 'Y', score: 3 }] },
      { retriever: 'vector', hits: [{ id: 'X', score: 0.5 }] },
    ]);
    expect(fused.map((hit) => hit.id)).toEqual(['Y', 'X']);
    // P and Q swap places between two lists: equal sums; P is better in the first list.
    const swapped = reciprocalRankFusion([
      { retriever: 'lexical', hits: [{ id: 'P', score: 2 }, { id: 'Q', score: 1 }] },
      { retriever: 'vector', hits: [{ id: 'Q', score: 2 }, { id: 'P', score: 1 }] },
    ]);
    expect(swapped.map((hit) => hit.id)).toEqual(['P', 'Q']);
    expect(swapped[0]?.score).toBe(swapped[1]?.score);
  });

  it('counts an id repeated in one list once, at its best rank', () => {
    const fused = reciprocalRankFusion([{ retriever: 'lexical', hits: [{ id: 'A', score: 3 }, { id: 'A', score: 2 }, { id: 'B', score: 1 }] }]);
    expect(fused).toEqual([
      { id: 'A', score: 1 / 61, scores: [{ retriever: 'lexical', score: 3, rank: 1 }] },
      { id: 'B', score: 1 / 63, scores: [{ retriever: 'lexical', score: 1, rank: 3 }] },
    ]);
  });

  it('returns nothing for no lists, and rejects a bad k or weight', () => {
    expect(reciprocalRankFusion([])).toEqual([]);
    expect(() => reciprocalRankFusion([], { k: 0 })).toThrow(expect.objectContaining({ code: 'E_USAGE' }));
    expect(() => reciprocalRankFusion([{ retriever: 'vector', weight: -1, hits: [] }])).toThrow(
      expect.objectContaining({ code: 'E_USAGE', details: { setting: 'weight', retriever: 'vector', value: -1 } }),
    );
  });
});
