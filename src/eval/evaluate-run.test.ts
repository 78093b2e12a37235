import { describe, expect, it } from 'vitest';
import { HangjiaError } from '../errors/index.js';
import { evaluateRun } from './evaluate-run.js';
import type { Qrels } from './qrels.js';
import type { Run, ScoredDocument } from './run.js';
import { createSeededRandom } from '../support/index.js';

function qrelsOf(entries: Record<string, Record<string, number>>): Qrels {
  return new Map(Object.entries(entries).map(([queryId, judgments]) => [queryId, new Map(Object.entries(judgments))]));
}

describe('evaluateRun, hand-computed', () => {
  // q1 judges d1 = 2, d2 = 1, d3 = 1. The run ranks d4 (unjudged), d2, d1, d5 (unjudged);
  // scores are given out of order to show the arrays are re-sorted by score.
  const qrels = qrelsOf({ q1: { d1: 2, d2: 1, d3: 1 } });
  const run: Run = new Map([
    ['q1', [
      { docid: 'd1', score: 8 },
      { docid: 'd4', score: 10 },
      { docid: 'd5', score: 1 },
      { docid: 'd2', score: 9 },
    ]],
  ]);
  const result = evaluateRun(run, qrels, { metrics: ['ndcg@3', 'ndcg@2', 'recall@2', 'recall@100', 'mrr@10', 'mrr@1', 'map'] });
  const scores = result.perQuery.get('q1');

  it('nDCG@3 uses linear gains and log2(rank + 1)', () => {
    // DCG@3  = 0/log2(2) + 1/log2(3) + 2/log2(4) = 0.6309298 + 1     = 1.6309298
    // IDCG@3 = 2/log2(2) + 1/log2(3) + 1/log2(4) = 2 + 0.6309298 + 0.5 = 3.1309298
    // nDCG@3 = 1.6309298 / 3.1309298 = 0.5209091
    expect(scores?.['ndcg@3']).toBeCloseTo(0.5209090851403014, 12);
    // nDCG@2 = (1/log2(3)) / (2 + 1/log2(3)) = 0.6309298 / 2.6309298 = 0.2398125
    expect(scores?.['ndcg@2']).toBeCloseTo(0.23981246656813146, 12);
  });

  it('Recall@k divides by all relevant documents in the qrels', () => {
    // top 2 = d4, d2 → 1 of 3 relevant; top 100 = all four → d2, d1 = 2 of 3 (d3 never retrieved)
    expect(scores?.['recall@2']).toBe(1 / 3);
    expect(scores?.['recall@100']).toBe(2 / 3);
  });

  it('MRR@k is 1 / rank of the first relevant document within k', () => {
    // first relevant is d2 at rank 2 → 0.5; with k = 1 only d4 is seen → 0
    expect(scores?.['mrr@10']).toBe(0.5);
    expect(scores?.['mrr@1']).toBe(0);
  });

  it('MAP counts unretrieved relevant documents as precision 0', () => {
    // relevant at ranks 2 (d2) and 3 (d1): precisions 1/2 and 2/3; d3 missing → (0.5 + 0.6667 + 0) / 3
    expect(scores?.['map']).toBeCloseTo((1 / 2 + 2 / 3) / 3, 15);
  });
});

describe('evaluateRun, accounting', () => {
  it('skips queries without relevant documents, scores missing run entries 0, ignores unjudged run queries', () => {
    const qrels = qrelsOf({
      hit: { a: 1 },
      missing: { b: 1 }, // judged relevant, but the run has nothing: scores 0 and still counts
      allZero: { c: 0 }, // nothing relevant: skipped, not in the denominator
    });
    const run: Run = new Map([
      ['hit', [{ docid: 'a', score: 1 }]],
      ['extra', [{ docid: 'z', score: 1 }]], // not in the qrels: ignored
    ]);
    const result = evaluateRun(run, qrels, { metrics: ['mrr@10', 'ndcg@10'] });
    // mean = (1 + 0) / 2 evaluated queries
    expect(result.mean).toEqual({ 'mrr@10': 0.5, 'ndcg@10': 0.5 });
    expect([...result.perQuery.keys()]).toEqual(['hit', 'missing']);
    expect(result.evaluatedQueries).toBe(2);
    expect(result.skippedQueries).toBe(1);
    expect(result.unretrievedQueries).toBe(1);
    expect(result.unjudgedQueries).toBe(1);
  });

  it('breaks score ties by document id descending, as trec_eval does', () => {
    // a and b tie at 1.0; trec_eval puts "b" before "a" (strcmp(ptr2, ptr1)), so the relevant
    // "a" sits at rank 2: MRR = 0.5. With ascending ids it would be 1.
    const qrels = qrelsOf({ q: { a: 1 } });
    const run: Run = new Map([['q', [{ docid: 'a', score: 1 }, { docid: 'b', score: 1 }]]]);
    expect(evaluateRun(run, qrels, { metrics: ['mrr@10'] }).mean['mrr@10']).toBe(0.5);
  });

  it('refuses a run that ranks a document twice for a query', () => {
    const run: Run = new Map([['q', [{ docid: 'a', score: 2 }, { docid: 'a', score: 1 }]]]);
    expect(() => evaluateRun(run, qrelsOf({ q: { a: 1 } }), { metrics: ['mrr@10'] })).toThrow(
      expect.objectContaining({ code: 'E_RUN_DUPLICATE', details: { queryId: 'q', documentId: 'a' } }),
    );
  });

  it('rejects unknown metric names with the allowed forms', () => {
    expect(() => evaluateRun(new Map(), new Map(), { metrics: ['p@10'] })).toThrow(HangjiaError);
    expect(() => evaluateRun(new Map(), new Map(), { metrics: ['ndcg@0'] })).toThrow(/Unknown metric "ndcg@0"/);
  });
});

// An independent second implementation, written differently on purpose: it sorts with a byte
// comparison (Buffer.compare on UTF-8, which is what strcmp does) instead of code points, and it
// computes each metric from the set of relevant ids rather than from a grades array.
function oracle(run: Run, qrels: Qrels, cutoff: { ndcg: number; recall: number; mrr: number }): { ndcg: number; recall: number; mrr: number; map: number } {
  const totals = { ndcg: 0, recall: 0, mrr: 0, map: 0 };
  let count = 0;
  for (const [queryId, judgments] of qrels) {
    const relevant = new Map([...judgments].filter(([, grade]) => grade > 0));
    if (relevant.size === 0) continue;
    count += 1;
    const ranking = [...(run.get(queryId) ?? [])]
      .sort((left: ScoredDocument, right: ScoredDocument) =>
        right.score - left.score || Buffer.compare(Buffer.from(right.docid), Buffer.from(left.docid)))
      .map((document) => document.docid);
    let dcg = 0;
    ranking.slice(0, cutoff.ndcg).forEach((docid, index) => {
      dcg += (relevant.get(docid) ?? 0) / Math.log2(index + 2);
    });
    const ideal = [...relevant.values()].sort((left, right) => right - left).slice(0, cutoff.ndcg)
      .reduce((sum, grade, index) => sum + grade / Math.log2(index + 2), 0);
    totals.ndcg += dcg / ideal;
    totals.recall += ranking.slice(0, cutoff.recall).filter((docid) => relevant.has(docid)).length / relevant.size;
    const firstRelevant = ranking.slice(0, cutoff.mrr).findIndex((docid) => relevant.has(docid));
    totals.mrr += firstRelevant === -1 ? 0 : 1 / (firstRelevant + 1);
    let hits = 0;
    let precisions = 0;
    ranking.forEach((docid, index) => {
      if (relevant.has(docid)) {
        hits += 1;
        precisions += hits / (index + 1);
      }
    });
    totals.map += precisions / relevant.size;
  }
  return { ndcg: totals.ndcg / count, recall: totals.recall / count, mrr: totals.mrr / count, map: totals.map / count };
}


describe('evaluateRun against an independent implementation', () => {
  for (const seed of [1, 2, 3, 42, 2024, 99991]) {
    it(`agrees on seeded random runs and graded qrels (seed ${seed})`, () => {
      const random = createSeededRandom(seed);
      const pick = (count: number): number => Math.floor(random() * count);
      // Ids mix ASCII and Chinese so tie-breaking covers multi-byte code points.
      const documentIds = Array.from({ length: 40 }, (_, index) => (index % 3 === 0 ? `文档${index}` : `d${index}`));
      const qrels: Qrels = new Map();
      const run: Run = new Map();
      for (let query = 0; query < 30; query += 1) {
        const judgments = new Map<string, number>();
        for (let judged = pick(6); judged > 0; judged -= 1) judgments.set(documentIds[pick(40)] as string, pick(4)); // grades 0..3
        if (judgments.size > 0) qrels.set(`q${query}`, judgments);
        if (random() < 0.8) {
          const retrieved = new Map<string, number>();
          for (let count = pick(30); count > 0; count -= 1) retrieved.set(documentIds[pick(40)] as string, pick(5)); // few distinct scores → many ties
          run.set(`q${query}`, [...retrieved].map(([docid, score]) => ({ docid, score })));
        }
      }
      const actual = evaluateRun(run, qrels, { metrics: ['ndcg@10', 'recall@5', 'mrr@3', 'map'] }).mean;
      const expected = oracle(run, qrels, { ndcg: 10, recall: 5, mrr: 3 });
      expect(actual['ndcg@10']).toBeCloseTo(expected.ndcg, 12);
      expect(actual['recall@5']).toBeCloseTo(expected.recall, 12);
      expect(actual['mrr@3']).toBeCloseTo(expected.mrr, 12);
      expect(actual['map']).toBeCloseTo(expected.map, 12);
    });
  }
});
