import { describe, expect, it } from 'vitest';
import type { Analyzer } from '../../analysis/index.js';
import { HangjiaError } from '../../errors/index.js';
import { BM25_SERIALIZATION_VERSION, Bm25Index } from './bm25-index.js';
import { DEFAULT_BM25_PARAMS, LEXICAL_FIELDS, type Bm25Params } from './bm25-params.js';
import type { LexicalRecord } from './lexical-record.js';
import { createSeededRandom } from '../../support/index.js';
import { TOPIC_NAMES, topicalSequences } from '../topics/__fixtures__/topical-corpus.js';
import { TopicModel } from '../topics/index.js';

/** Splits on spaces: tests control terms exactly, independent of jieba. */
const whitespaceAnalyzer: Analyzer = {
  name: 'whitespace',
  version: 1,
  analyze: (text) => text.split(' ').filter((term) => term.length > 0),
};


/**
 * The oracle: BM25F written as directly as the formula in bm25-params.ts, over plain arrays,
 * scoring every document. No shared code with the index.
 */
function oracleScores(records: LexicalRecord[], query: string, params: Bm25Params): number[] {
  const fields = records.map((record) => LEXICAL_FIELDS.map((field) => whitespaceAnalyzer.analyze(record[field])));
  const averages = LEXICAL_FIELDS.map((_, field) => fields.reduce((sum, document) => sum + document[field]!.length, 0) / records.length);
  // Each distinct query term counts once, however often the query repeats it.
  const queryCounts = new Map<string, number>();
  for (const term of whitespaceAnalyzer.analyze(query)) queryCounts.set(term, 1);
  const documentFrequencies = new Map(
    [...queryCounts.keys()].map((term) => [term, fields.filter((other) => other.some((field) => field.includes(term))).length]),
  );
  return fields.map((document) => {
    let score = 0;
    for (const [term, count] of queryCounts) {
      const documentFrequency = documentFrequencies.get(term)!;
      if (documentFrequency === 0) continue;
      const idf = Math.log(1 + (records.length - documentFrequency + 0.5) / (documentFrequency + 0.5));
      let frequency = 0;
      LEXICAL_FIELDS.forEach((name, field) => {
        const termFrequency = document[field]!.filter((candidate) => candidate === term).length;
        if (termFrequency === 0 || averages[field] === 0) return;
        const b = params.b[name];
        frequency += (params.weights[name] * termFrequency) / (1 - b + (b * document[field]!.length) / averages[field]!);
      });
      if (frequency > 0) score += (count * idf * frequency * (params.k1 + 1)) / (params.k1 + frequency);
    }
    return score;
  });
}

function generateRecords(random: () => number, count: number, vocabulary: number): LexicalRecord[] {
  const words = (length: number) =>
    Array.from({ length }, () => `w${Math.floor(random() ** 2 * vocabulary)}`).join(' ');
  return Array.from({ length: count }, (_, index) => ({
    id: `d${index}`,
    title: words(Math.floor(random() * 4)),
    headings: random() < 0.5 ? '' : words(1 + Math.floor(random() * 3)),
    text: words(Math.floor(random() * 30)),
  }));
}

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

  it('pulls in a record that shares no query term through pseudo-relevance feedback', () => {
    const feedbackRecords: LexicalRecord[] = [
      { id: 'dismissal-1', title: '', headings: '', text: 'fired employee severance compensation' },
      { id: 'dismissal-2', title: '', headings: '', text: 'fired worker severance compensation' },
      { id: 'severance-rule', title: '', headings: '', text: 'severance compensation rule' },
      { id: 'unrelated', title: '', headings: '', text: 'holiday schedule' },
    ];
    const feedbackIndex = Bm25Index.build(feedbackRecords, { analyzer: whitespaceAnalyzer });
    expect(feedbackIndex.search('fired').map((match) => match.id)).toEqual(['dismissal-1', 'dismissal-2']);
    // Both feedback records share severance and compensation with severance-rule; fired,
    // severance and compensation are the three heaviest terms of the relevance model.
    const expanded = feedbackIndex.search('fired', { feedback: { documents: 2, terms: 3, originalQueryWeight: 0.5 } });
    expect(expanded.map((match) => match.id)).toEqual(['dismissal-1', 'dismissal-2', 'severance-rule']);
    expect(expanded[2]!.matchedTerms).toEqual(['severance', 'compensation']);
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

/**
 * The group-evidence oracle: plain BM25F scores from {@link oracleScores}, the best `candidates`
 * of them, and for each the sum of its group's best `members` scores among those, as written in
 * bm25-params.ts (GroupParams).
 */
function oracleGroupRanking(
  records: LexicalRecord[],
  query: string,
  groups: { candidates: number; members: number; weight: number },
): Array<{ id: string; score: number }> {
  const first = oracleScores(records, query, DEFAULT_BM25_PARAMS)
    .map((score, document) => ({ score, document }))
    .filter(({ score }) => score > 0)
    .sort((a, b) => b.score - a.score || a.document - b.document)
    .slice(0, groups.candidates);
  const groupOf = (document: number) => records[document]!.group ?? `alone:${document}`;
  return first
    .map(({ score, document }, rank) => {
      const members = first.filter((other) => groupOf(other.document) === groupOf(document)).slice(0, groups.members);
      return { id: records[document]!.id, rank, score: score + groups.weight * members.reduce((sum, other) => sum + other.score, 0) };
    })
    .sort((a, b) => b.score - a.score || a.rank - b.rank)
    .map(({ id, score }) => ({ id, score }));
}

describe('Bm25Index group evidence', () => {
  const groups = { candidates: 100, members: 3, weight: 0.2 };

  it('lifts a record whose group also matches above an isolated match', () => {
    const records: LexicalRecord[] = [
      { id: 'lease-1', group: 'lease', title: '', headings: '', text: 'lease deposit' },
      { id: 'lease-2', group: 'lease', title: '', headings: '', text: 'lease term ends with written notice' },
      { id: 'solo', title: '', headings: '', text: 'deposit' },
      { id: 'bank-1', group: 'bank', title: '', headings: '', text: 'deposit interest rate' },
      { id: 'bank-2', group: 'bank', title: '', headings: '', text: 'interest rate notice' },
    ];
    const index = Bm25Index.build(records, { analyzer: whitespaceAnalyzer });
    // Plain BM25F: solo's one-word text makes its single match strong, and it beats lease-2,
    // whose one match is diluted by a six-word text.
    expect(index.search('lease deposit', { groups: false }).map((match) => match.id)).toEqual(['lease-1', 'solo', 'lease-2', 'bank-1']);
    const plain = oracleScores(records, 'lease deposit', DEFAULT_BM25_PARAMS);
    const [lease1, lease2, solo, bank1] = [plain[0]!, plain[1]!, plain[2]!, plain[3]!];
    // With group evidence each lease record gains 0.2 × (lease-1 + lease-2): the lease group
    // matches both query words across its records. solo is its own group (no `group`), so it
    // gains 0.2 × its own score only; bank-2 does not match, so bank-1 gains its own score only.
    expect(index.search('lease deposit', { groups })).toEqual([
      { id: 'lease-1', score: expect.closeTo(lease1 + 0.2 * (lease1 + lease2), 6), matchedTerms: ['lease', 'deposit'] },
      { id: 'lease-2', score: expect.closeTo(lease2 + 0.2 * (lease1 + lease2), 6), matchedTerms: ['lease'] },
      { id: 'solo', score: expect.closeTo(1.2 * solo, 6), matchedTerms: ['deposit'] },
      { id: 'bank-1', score: expect.closeTo(1.2 * bank1, 6), matchedTerms: ['deposit'] },
    ]);
    // Only the best `members` of a group count: with 1, that is lease-1 for both lease records.
    expect(index.search('lease deposit', { groups: { ...groups, members: 1 } })[1]).toEqual({
      id: 'lease-2',
      score: expect.closeTo(lease2 + 0.2 * lease1, 6),
      matchedTerms: ['lease'],
    });
    // Weight 0 is plain BM25F.
    expect(index.search('lease deposit', { groups: { weight: 0 } })).toEqual(index.search('lease deposit', { groups: false }));
  });

  it('leaves rankings and scores alone when no record has a group', () => {
    const records = generateRecords(createSeededRandom(5), 60, 40);
    const index = Bm25Index.build(records, { analyzer: whitespaceAnalyzer });
    for (const query of ['w1 w2', 'w0 w3 w5', 'w7']) {
      expect(index.search(query, { k: 7 })).toEqual(index.search(query, { k: 7, groups: false }));
    }
  });

  it.each([1, 2, 3])('re-ranks generated grouped corpus %i exactly like the oracle', (seed) => {
    const random = createSeededRandom(seed);
    // 1,500 records in 40 groups (every fifth without one): enough records that the common
    // words' lists pass the pruning threshold, so the candidates come from early termination.
    const records = generateRecords(random, 1500, 30).map((record, index) =>
      index % 5 === 0 ? record : { ...record, group: `g${Math.floor(random() * 40)}` },
    );
    const index = Bm25Index.build(records, { analyzer: whitespaceAnalyzer });
    const settings = { candidates: 30, members: 2, weight: 0.5 };
    for (const query of ['w29 w0 w1', 'w25 w27 w3', 'w20 w0', 'w28 w29 w1 w4 w0']) {
      const expected = oracleGroupRanking(records, query, settings).slice(0, 8);
      const matches = index.search(query, { k: 8, groups: settings });
      expect(matches.map(({ score }) => score)).toEqual(expected.map(({ score }) => expect.closeTo(score, 4)));
    }
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

describe('Bm25Index topic evidence', () => {
  /** The whitespace analyzer, with the words a topic model learns from. */
  const wordsAnalyzer: Analyzer = { ...whitespaceAnalyzer, words: (text) => whitespaceAnalyzer.analyze(text) };
  const topicOptions = { minRecords: 10, dimensions: 8, minVocabulary: 0 };
  // Two records with one rare word each, otherwise about different topics: BM25 cannot tell
  // them apart for a question that shares only that word with them.
  const fruitRecord = { id: 'zephyr-fruit', title: '', headings: '', text: 'zephyr apple sweet juicy orchard ripe' };
  const vehicleRecord = { id: 'zephyr-vehicle', title: '', headings: '', text: 'zephyr engine wheel road driver fuel' };
  const records: LexicalRecord[] = [
    ...topicalSequences(300).map(({ words }, index) => ({ id: `t${index}`, title: '', headings: '', text: words.join(' ') })),
    fruitRecord,
    vehicleRecord,
  ];
  const index = Bm25Index.build(records, { analyzer: wordsAnalyzer, topics: topicOptions });
  const QUESTION = 'zephyr plum harvest';

  it('adds weight × best first-pass score × the cosine of query and record vectors, as an oracle computes it', () => {
    const model = TopicModel.train(records.map((record) => record.text.split(' ')), topicOptions)!;
    const queryVector = model.embed(QUESTION.split(' '))!;
    const first = oracleScores(records, QUESTION, DEFAULT_BM25_PARAMS)
      .map((score, document) => ({ score, document }))
      .filter(({ score }) => score > 0)
      .sort((a, b) => b.score - a.score || a.document - b.document);
    const best = first[0]!.score;
    const expected = first
      .map(({ score, document }) => {
        const textVector = model.embed(records[document]!.text.split(' '))!;
        const cosine = textVector.reduce((sum, value, k) => sum + value * queryVector[k]!, 0);
        return { id: records[document]!.id, score: score + 0.5 * best * cosine };
      })
      .sort((a, b) => b.score - a.score);
    const found = index.search(QUESTION, { k: 300, topics: { weight: 0.5 } });
    expect(found.map((match) => match.id)).toEqual(expected.map((item) => item.id));
    found.forEach((match, rank) => expect(match.score).toBeCloseTo(expected[rank]!.score, 4));
  });

  it('ranks the record about the question\'s topic above an equal lexical match about another', () => {
    const rankOf = (matches: Array<{ id: string }>, id: string) => matches.findIndex((match) => match.id === id);
    const plain = index.search(QUESTION, { k: 300, topics: false });
    expect(plain[rankOf(plain, fruitRecord.id)]!.score).toBeCloseTo(plain[rankOf(plain, vehicleRecord.id)]!.score, 10);
    const withTopics = index.search(QUESTION, { k: 300 });
    expect(rankOf(withTopics, fruitRecord.id)).toBeLessThan(rankOf(withTopics, vehicleRecord.id));
    // Weight 0 is the plain ranking.
    expect(index.search(QUESTION, { k: 300, topics: { weight: 0 } })).toEqual(plain);
    // Asked for more than `candidates`, a search re-scores and returns them all.
    const many = index.search(QUESTION, { k: 300, topics: { candidates: 5 } });
    expect(many.length).toBe(plain.length);
    expect(many.length).toBeGreaterThan(5);
    expect(many).toEqual(withTopics);
  });

  it('keeps its topic vectors through serialization, and has none when too small or asked not to', () => {
    // The topics' words; `zephyr`, seen twice, is under the minimum count of 5.
    expect(index.stats().topicWords).toBe(TOPIC_NAMES.length * 9);
    const copy = Bm25Index.deserialize(index.serialize(), { analyzer: wordsAnalyzer });
    expect(copy.stats().topicWords).toBe(index.stats().topicWords);
    expect(copy.search(QUESTION, { k: 50 })).toEqual(index.search(QUESTION, { k: 50 }));
    const without = Bm25Index.build(records, { analyzer: wordsAnalyzer, topics: false });
    expect(without.stats().topicWords).toBe(0);
    expect(without.search(QUESTION, { k: 50 })).toEqual(index.search(QUESTION, { k: 50, topics: false }));
    const few = Bm25Index.build(records.slice(0, 9), { analyzer: wordsAnalyzer, topics: topicOptions });
    expect(few.stats().topicWords).toBe(0);
    // An analyzer without `words` gives an index no topic vectors.
    expect(Bm25Index.build(records, { analyzer: whitespaceAnalyzer, topics: topicOptions }).stats().topicWords).toBe(0);
  });
});

describe('Bm25Index citation evidence', () => {
  // A and B match the question equally; C and D name A by title, D also names B, and A names itself.
  const records: LexicalRecord[] = [
    { id: 'a-1', group: 'A', title: 'tenancy law', headings: '', text: 'deposit refund' },
    { id: 'a-2', group: 'A', title: 'tenancy law', headings: '', text: 'this 《tenancy law》 applies to leases' },
    { id: 'b-1', group: 'B', title: 'housing rules', headings: '', text: 'deposit refund' },
    { id: 'c-1', group: 'C', title: 'landlord guide', headings: '', text: 'see 《tenancy law》 on leases' },
    { id: 'd-1', title: 'court notes', headings: '', text: 'under 《tenancy law》 and 《housing rules》' },
  ];
  const index = Bm25Index.build(records, { analyzer: whitespaceAnalyzer });
  const QUESTION = 'deposit refund';

  it('adds weight × best first-pass score × c / (c + saturation) for c other groups naming the record\'s group', () => {
    const plain = oracleScores(records, QUESTION, DEFAULT_BM25_PARAMS);
    const [a1, b1] = [plain[0]!, plain[2]!];
    expect(a1).toBeCloseTo(b1, 10);
    const best = Math.max(a1, b1);
    // A is named by C and D (its own a-2 does not count), B by D alone.
    expect(index.search(QUESTION, { groups: false, citations: { weight: 0.5, saturation: 2 } })).toEqual([
      { id: 'a-1', score: expect.closeTo(a1 + (0.5 * best * 2) / (2 + 2), 6), matchedTerms: ['deposit', 'refund'], citedBy: 2 },
      { id: 'b-1', score: expect.closeTo(b1 + (0.5 * best * 1) / (1 + 2), 6), matchedTerms: ['deposit', 'refund'], citedBy: 1 },
    ]);
    expect(index.stats().citedGroups).toBe(2);
    // Each named group once, by its first record, most named first.
    expect(index.mostCited(5)).toEqual([{ id: 'a-1', citedBy: 2 }, { id: 'b-1', citedBy: 1 }]);
    expect(index.mostCited(1)).toEqual([{ id: 'a-1', citedBy: 2 }]);
    expect(Bm25Index.build(records, { analyzer: whitespaceAnalyzer, citations: false }).mostCited(5)).toEqual([]);
  });

  it('is off at weight 0, with `false`, and in an index built without it; kept through serialization', () => {
    const plain = index.search(QUESTION, { k: 5, citations: false });
    // A match says it was cited only when that raised its score.
    expect(plain.map((match) => match.citedBy)).toEqual([undefined, undefined]);
    expect(index.search(QUESTION, { k: 5, citations: { weight: 0 } })).toEqual(plain);
    const without = Bm25Index.build(records, { analyzer: whitespaceAnalyzer, citations: false });
    expect(without.stats().citedGroups).toBe(0);
    expect(without.search(QUESTION, { k: 5 })).toEqual(plain);
    const copy = Bm25Index.deserialize(index.serialize(), { analyzer: whitespaceAnalyzer });
    expect(copy.stats().citedGroups).toBe(2);
    expect(copy.search(QUESTION, { k: 5 })).toEqual(index.search(QUESTION, { k: 5 }));
    expect(copy.search(QUESTION, { k: 5 })).not.toEqual(plain);
  });

  it('leaves an index where nothing is named by title exactly as it was', () => {
    const unnamed = records.map((record) => ({ ...record, text: record.text.replace(/[《》]/g, '') }));
    const built = Bm25Index.build(unnamed, { analyzer: whitespaceAnalyzer });
    expect(built.stats().citedGroups).toBe(0);
    expect(built.search(QUESTION, { k: 5 })).toEqual(built.search(QUESTION, { k: 5, citations: false }));
  });
});
