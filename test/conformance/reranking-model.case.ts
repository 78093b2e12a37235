/**
 * The shared suite every `RerankingModel` adapter runs (like `embedding-model.case.ts`). It checks
 * the contract through `rerank`, the way callers use a model: every document gets one finite score
 * and the ranking is a best-first permutation; a pair's score depends on the pair only (equal in one
 * call, across calls and across batch boundaries); a passage about the query outranks unrelated
 * ones; `topN` keeps the best; no documents give no ranking.
 *
 * @example
 * runRerankingModelConformance('http (scripted server)', async () => ({ model: createHttpRerankingModel({ … }), dispose: … }));
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rerank, type RerankingModel } from '../../src/models/index.js';

export interface RerankingConformanceSubject {
  model: RerankingModel;
  /** Releases the model and anything the test started for it (a server, native memory). */
  dispose?: () => Promise<void>;
}

const QUERY = '劳动合同试用期最长多久';
/** Index 2 is about the query; index 4 repeats index 0 so equal pairs can be compared. */
const DOCUMENTS = ['民法典规定侵权责任', 'the knowledge base retrieval model', '劳动合同的试用期最长不得超过六个月', '', '民法典规定侵权责任', '诉讼时效'];

export function runRerankingModelConformance(name: string, make: () => Promise<RerankingConformanceSubject>): void {
  describe(`RerankingModel conformance: ${name}`, () => {
    let subject: RerankingConformanceSubject;
    beforeAll(async () => {
      subject = await make();
    });
    afterAll(async () => {
      await subject?.dispose?.();
    });

    it('scores every document once, best first, and ranks the passage about the query first', async () => {
      const { ranking } = await rerank(subject.model, { query: QUERY, documents: DOCUMENTS });
      expect(ranking.map((entry) => entry.index).sort()).toEqual([0, 1, 2, 3, 4, 5]);
      for (const entry of ranking) expect(Number.isFinite(entry.score)).toBe(true);
      for (let position = 1; position < ranking.length; position++) expect(ranking[position - 1]!.score).toBeGreaterThanOrEqual(ranking[position]!.score);
      // The only document sharing the query's words; the others share none of its characters.
      expect(ranking[0]!.index).toBe(2);
      expect(ranking[0]!.score).toBeGreaterThan(ranking[1]!.score);
    });

    it("gives a pair the same score in one call, across calls and across batch boundaries", async () => {
      const { ranking } = await rerank(subject.model, { query: QUERY, documents: DOCUMENTS });
      const scoreOf = (index: number): number => ranking.find((entry) => entry.index === index)!.score;
      expect(scoreOf(4)).toBeCloseTo(scoreOf(0), 5);
      const documents = Array.from({ length: subject.model.maxDocumentsPerCall * 2 + 1 }, (_, index) => DOCUMENTS[index % DOCUMENTS.length]!);
      const batched = await rerank(subject.model, { query: QUERY, documents });
      expect(batched.ranking).toHaveLength(documents.length);
      for (const entry of batched.ranking) expect(entry.score).toBeCloseTo(scoreOf(entry.index % DOCUMENTS.length), 5);
    });

    it('keeps the best topN', async () => {
      const all = await rerank(subject.model, { query: QUERY, documents: DOCUMENTS });
      const top = await rerank(subject.model, { query: QUERY, documents: DOCUMENTS, topN: 2 });
      expect(top.ranking.map((entry) => entry.index)).toEqual(all.ranking.slice(0, 2).map((entry) => entry.index));
    });

    it('returns no ranking for no documents', async () => {
      expect(await rerank(subject.model, { query: QUERY, documents: [] })).toEqual({ ranking: [], usage: { tokens: 0 } });
    });
  });
}
