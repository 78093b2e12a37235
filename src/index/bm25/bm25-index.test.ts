import { describe, expect, it } from 'vitest';
import { HangjiaError } from '../../errors/index.js';
import { BM25_SERIALIZATION_VERSION, Bm25Index } from './bm25-index.js';
import { DEFAULT_BM25_PARAMS, type Bm25Params } from './bm25-params.js';
import type { LexicalRecord } from './lexical-record.js';
import { createSeededRandom } from '../../support/index.js';
import { generateRecords, oracleScores, whitespaceAnalyzer } from './__fixtures__/bm25-oracle.js';

describe('Bm25Index against the naive oracle', () => {
  const params: Bm25Params = { k1: 1.4, b: { title: 0.3, headings: 0.6, text: 0.8 }, weights: { title: 2.5, headings: 1.2, text: 1 } };

  it.each([1, 2, 3, 4, 5])('scores generated corpus %i exactly like the oracle', (seed) => {
    const random = createSeededRandom(seed);
    const records = generateRecords(random, 60, 40);
    const index = Bm25Index.build(records, { analyzer: whitespaceAnalyzer, params });
    for (let queryNumber = 0; queryNumber < 20; queryNumber++) {
      const query = generateRecords(random, 1, 50)[0]!.text.split(' ').slice(0, 1 + Math.floor(random() * 5)).join(' ');
      const expected = oracleScores(records, query, params);
      const expectedTop = expected
        .map((score, document) => ({ score, document }))
        .filter(({ score }) => score > 0)
        .sort((a, b) => b.score - a.score || a.document - b.document)
        .slice(0, 7);
      const matches = index.search(query, { k: 7 });
      expect(matches.map((match) => match.score)).toEqual(expectedTop.map(({ score }) => expect.closeTo(score, 4)));
      for (const match of matches) {
        expect(match.score).toBeCloseTo(expected[Number(match.id.slice(1))]!, 4);
      }
    }
  });

  it('prunes long posting lists without changing the top k', () => {
    // 4,000 records over 30 words: the common words have posting lists longer than the pruning
    // threshold (1,024), so early termination kicks in after the rare words are scored.
    const random = createSeededRandom(11);
    const records = generateRecords(random, 4000, 30);
    const index = Bm25Index.build(records, { analyzer: whitespaceAnalyzer, params });
    for (const query of ['w29 w0 w1', 'w25 w27 w0 w1 w2 w3', 'w20 w0', 'w28 w29 w1 w4 w0']) {
      const expected = oracleScores(records, query, params)
        .map((score, document) => ({ score, document }))
        .filter(({ score }) => score > 0)
        .sort((a, b) => b.score - a.score || a.document - b.document)
        .slice(0, 5);
      expect(index.search(query, { k: 5 }).map((match) => match.score)).toEqual(expected.map(({ score }) => expect.closeTo(score, 4)));
      const even = (id: string) => Number(id.slice(1)) % 2 === 0;
      const expectedEven = oracleScores(records, query, params)
        .map((score, document) => ({ score, document }))
        .filter(({ score, document }) => score > 0 && document % 2 === 0)
        .sort((a, b) => b.score - a.score || a.document - b.document)
        .slice(0, 5);
      expect(index.search(query, { k: 5, filter: even }).map((match) => match.score)).toEqual(
        expectedEven.map(({ score }) => expect.closeTo(score, 4)),
      );
    }
  });

  it('applies the filter before taking the top k', () => {
    const records = generateRecords(createSeededRandom(9), 80, 10);
    const index = Bm25Index.build(records, { analyzer: whitespaceAnalyzer, params });
    const even = (id: string) => Number(id.slice(1)) % 2 === 0;
    const expected = oracleScores(records, 'w1 w2', params)
      .map((score, document) => ({ score, document }))
      .filter(({ score, document }) => score > 0 && document % 2 === 0)
      .sort((a, b) => b.score - a.score || a.document - b.document)
      .slice(0, 5);
    const matches = index.search('w1 w2', { k: 5, filter: even });
    expect(matches).toHaveLength(5);
    expect(matches.map((match) => match.score)).toEqual(expected.map(({ score }) => expect.closeTo(score, 4)));
    expect(matches.every((match) => even(match.id))).toBe(true);
  });
});

describe('Bm25Index ranking', () => {
  // A tiny labour-law corpus; ids say what each record is about.
  const records: LexicalRecord[] = [
    { id: 'probation-limit', title: 'probation', headings: 'contract', text: 'probation period must not exceed six months' },
    { id: 'probation-wage', title: 'wages', headings: 'contract', text: 'wage during probation period is at least eighty percent' },
    { id: 'contract-term', title: 'contract', headings: 'contract', text: 'contract term may be fixed or open' },
    { id: 'overtime', title: 'overtime', headings: 'hours', text: 'overtime pay is one and a half times the wage' },
    { id: 'long-probation', title: 'history', headings: 'notes', text: 'probation ' + 'history of labour law in many provinces '.repeat(6) },
  ];
  const index = Bm25Index.build(records, { analyzer: whitespaceAnalyzer });

  it('ranks by field, rarity and length as the formula intends', () => {
    const matches = index.search('probation period');
    expect(matches.map((match) => match.id)).toEqual([
      // both terms, and probation again in the boosted title
      'probation-limit',
      // both terms in the text, nothing in the title
      'probation-wage',
      // one term only, in a long text: length normalisation pushes it down
      'long-probation',
    ]);
    // period is in 2 records, probation in 3: the rarer term contributes more despite the title.
    expect(matches[0]!.matchedTerms).toEqual(['period', 'probation']);
    expect(matches[2]!.matchedTerms).toEqual(['probation']);
  });

  it('explains matches with the terms that contributed, heaviest first', () => {
    // "overtime" is rarer (1 document) than "wage" (2 documents) and also in the title.
    expect(index.search('wage overtime', { k: 1 })).toEqual([
      { id: 'overtime', score: expect.any(Number), matchedTerms: ['overtime', 'wage'] },
    ]);
  });

  it('explains a hit read after later searches, and in JSON', () => {
    // matchedTerms is worked out when read; the index's scratch state has moved on by then.
    const [first] = index.search('wage overtime', { k: 1 });
    index.search('probation period contract', { k: 5 });
    expect(first!.matchedTerms).toEqual(['overtime', 'wage']);
    expect(first!.matchedTerms).toBe(first!.matchedTerms);
    expect(JSON.parse(JSON.stringify(index.search('probation period', { k: 1 })))).toEqual([
      { id: 'probation-limit', score: expect.any(Number), matchedTerms: ['period', 'probation'] },
    ]);
  });

  it('returns nothing for queries without indexed terms, and respects k', () => {
    expect(index.search('unknown words')).toEqual([]);
    expect(index.search('contract', { k: 2 }).map((match) => match.id)).toEqual(['contract-term', 'probation-limit']);
  });

  it('rejects duplicate ids and bad parameters with stable codes', () => {
    const duplicate = () => Bm25Index.build([records[0]!, records[0]!], { analyzer: whitespaceAnalyzer });
    expect(duplicate).toThrow(expect.objectContaining({ code: 'E_INDEX_DUPLICATE_ID', details: { id: 'probation-limit', position: 1 } }));
    expect(() => Bm25Index.build(records, { analyzer: whitespaceAnalyzer, params: { b: { text: 1.5 } } })).toThrow(
      expect.objectContaining({ code: 'E_CONFIG', details: { setting: 'b.text', value: 1.5 } }),
    );
    expect(() => index.search('wage', { k: 0 })).toThrow(expect.objectContaining({ code: 'E_USAGE' }));
  });

  it('reports stats and progress', () => {
    const progress: string[] = [];
    const built = Bm25Index.build([...records, { id: 'empty', title: '', headings: '', text: '' }], {
      analyzer: whitespaceAnalyzer,
      onProgress: ({ phase, done, total }) => progress.push(`${phase} ${done}/${total}`),
    });
    expect(progress).toEqual(['analyze 6/6', 'invert 6/6']);
    const stats = built.stats();
    // 39 distinct words; 46 (word, record) pairs, counted by hand over the five texts.
    expect(stats).toMatchObject({ documents: 6, emptyDocuments: 1, terms: 39, postings: 46 });
    expect(stats.bytes).toBeGreaterThan(0);
    expect(built.size).toBe(6);
    expect(built.params).toEqual(DEFAULT_BM25_PARAMS);
  });
});

describe('Bm25Index serialization', () => {
  const records = generateRecords(createSeededRandom(7), 50, 30);
  const params = { k1: 0.9, weights: { title: 3 } };
  const index = Bm25Index.build(records, { analyzer: whitespaceAnalyzer, params });

  it('round-trips: same parameters, stats and results', () => {
    const copy = Bm25Index.deserialize(index.serialize(), { analyzer: whitespaceAnalyzer });
    expect(copy.params).toEqual(index.params);
    expect(copy.stats()).toEqual(index.stats());
    for (const query of ['w0', 'w1 w3', 'w2 w2 w5', 'w9 w12 w20']) {
      expect(copy.search(query, { k: 20 })).toEqual(index.search(query, { k: 20 }));
    }
  });

  it('re-weights a loaded index in memory exactly as a build with those parameters would', () => {
    const loaded = Bm25Index.deserialize(index.serialize(), { analyzer: whitespaceAnalyzer });
    const other = { k1: 1.5, weights: { title: 0, headings: 2 }, b: { text: 0.5 } };
    const reweighted = loaded.withParams(other);
    const rebuilt = Bm25Index.build(records, { analyzer: whitespaceAnalyzer, params: { ...params, ...other, weights: { ...params.weights, ...other.weights } } });
    expect(reweighted.params).toEqual(rebuilt.params);
    for (const query of ['w0', 'w1 w3', 'w2 w2 w5', 'w9 w12 w20']) {
      expect(reweighted.search(query, { k: 20 })).toEqual(rebuilt.search(query, { k: 20 }));
    }
    // The original keeps its own parameters; asking for the ones it has returns it unchanged.
    expect(loaded.params).toEqual(index.params);
    expect(loaded.withParams({ k1: 0.9 })).toBe(loaded);
  });

  it('reads bytes that sit inside a larger shared buffer, as readFileSync returns them', () => {
    // Node Buffers from readFileSync are often views into a shared pool; Buffer#slice is a view too.
    const bytes = index.serialize();
    const pooled = Buffer.alloc(bytes.byteLength + 13);
    pooled.set(bytes, 13);
    const copy = Bm25Index.deserialize(pooled.subarray(13), { analyzer: whitespaceAnalyzer });
    expect(copy.search('w1 w3', { k: 20 })).toEqual(index.search('w1 w3', { k: 20 }));
  });

  it('refuses an index built with another analyzer version', () => {
    const bytes = index.serialize();
    const newer = { ...whitespaceAnalyzer, version: 2 };
    expect(() => Bm25Index.deserialize(bytes, { analyzer: newer })).toThrow(
      expect.objectContaining({
        code: 'E_INDEX_VERSION',
        details: { expected: { name: 'whitespace', version: 1 }, found: { name: 'whitespace', version: 2 } },
      }),
    );
  });

  it('refuses another serialization version and bytes that are not an index', () => {
    const bytes = index.serialize();
    new DataView(bytes.buffer).setUint32(4, BM25_SERIALIZATION_VERSION + 1, true);
    expect(() => Bm25Index.deserialize(bytes, { analyzer: whitespaceAnalyzer })).toThrow(
      expect.objectContaining({ code: 'E_INDEX_VERSION', details: { expected: BM25_SERIALIZATION_VERSION, found: BM25_SERIALIZATION_VERSION + 1 } }),
    );
    expect(() => Bm25Index.deserialize(new TextEncoder().encode('not an index'), { analyzer: whitespaceAnalyzer })).toThrow(HangjiaError);
    expect(() => Bm25Index.deserialize(index.serialize().subarray(0, 200), { analyzer: whitespaceAnalyzer })).toThrow(
      expect.objectContaining({ code: 'E_INDEX_CORRUPT' }),
    );
  });
});
