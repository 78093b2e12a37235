import { describe, expect, it } from 'vitest';
import type { Analyzer } from '../analysis/index.js';
import { Bm25Index, DEFAULT_BM25_PARAMS, TopicModel, type LexicalMatch, type LexicalRecord } from '../index/index.js';
import { generateRecords, oracleScores, whitespaceAnalyzer } from '../index/bm25/__fixtures__/bm25-oracle.js';
import { TOPIC_NAMES, topicalSequences } from '../index/topics/__fixtures__/topical-corpus.js';
import { createSeededRandom } from '../support/index.js';
import { createLexicalSearch, createRescoringCascade, type RescoringSettings } from './lexical-search.js';

/** `index` searched through the cascade `settings` make, as a knowledge base searches it. */
function search(index: Bm25Index, query: string, options: RescoringSettings & { k?: number } = {}): LexicalMatch[] {
  const { k, ...settings } = options;
  return createLexicalSearch(index, settings).search(query, k === undefined ? {} : { k });
}

/** The `stages` a match carries: its first-pass score, then each stage's contribution. */
function tagged(firstPass: number, contributions: Record<string, number>): Array<{ stage: string; score: unknown }> {
  return [{ stage: 'bm25f', score: expect.closeTo(firstPass, 6) }, ...Object.entries(contributions).map(([stage, score]) => ({ stage, score: expect.closeTo(score, 6) }))];
}

describe('the rescoring cascade', () => {
  it('leaves out stages that cannot change a ranking on the index, and runs the rest in order', () => {
    const plain = Bm25Index.build(generateRecords(createSeededRandom(9), 40, 20), { analyzer: whitespaceAnalyzer });
    // No groups, no topic vectors, no citations, feedback off by default: BM25F alone.
    expect(createRescoringCascade(plain).map((stage) => stage.name)).toEqual([]);
    const grouped = Bm25Index.build(
      [
        { id: 'a-1', group: 'A', title: 'tenancy law', headings: '', text: 'deposit refund' },
        { id: 'a-2', group: 'A', title: 'tenancy law', headings: '', text: 'deposit' },
        { id: 'b-1', title: 'notes', headings: '', text: 'see 《tenancy law》' },
      ],
      { analyzer: whitespaceAnalyzer },
    );
    expect(createRescoringCascade(grouped, { feedback: true }).map((stage) => stage.name)).toEqual(['rm3', 'citation', 'group']);
    expect(createRescoringCascade(grouped, { groups: { weight: 0 }, citations: false }).map((stage) => stage.name)).toEqual([]);
    // A plain search carries no stage tags; the cascade's first entry is the plain score.
    const [first] = grouped.search('deposit refund', { k: 1 });
    expect(first!.stages).toBeUndefined();
    expect(search(grouped, 'deposit refund', { k: 1 })[0]!.stages![0]).toEqual({ stage: 'bm25f', score: first!.score });
  });
});

describe('RM3 feedback stage', () => {
  it('pulls in a record that shares no query term through pseudo-relevance feedback', () => {
    const feedbackRecords: LexicalRecord[] = [
      { id: 'dismissal-1', title: '', headings: '', text: 'fired employee severance compensation' },
      { id: 'dismissal-2', title: '', headings: '', text: 'fired worker severance compensation' },
      { id: 'severance-rule', title: '', headings: '', text: 'severance compensation rule' },
      { id: 'unrelated', title: '', headings: '', text: 'holiday schedule' },
    ];
    const feedbackIndex = Bm25Index.build(feedbackRecords, { analyzer: whitespaceAnalyzer });
    expect(search(feedbackIndex, 'fired').map((match) => match.id)).toEqual(['dismissal-1', 'dismissal-2']);
    // Both feedback records share severance and compensation with severance-rule; fired,
    // severance and compensation are the three heaviest terms of the relevance model.
    const expanded = search(feedbackIndex, 'fired', { feedback: { documents: 2, terms: 3, originalQueryWeight: 0.5 } });
    expect(expanded.map((match) => match.id)).toEqual(['dismissal-1', 'dismissal-2', 'severance-rule']);
    expect(expanded[2]!.matchedTerms).toEqual(['severance', 'compensation']);
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

describe('group evidence stage', () => {
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
    expect(search(index, 'lease deposit', { groups: false }).map((match) => match.id)).toEqual(['lease-1', 'solo', 'lease-2', 'bank-1']);
    const plain = oracleScores(records, 'lease deposit', DEFAULT_BM25_PARAMS);
    const [lease1, lease2, solo, bank1] = [plain[0]!, plain[1]!, plain[2]!, plain[3]!];
    // With group evidence each lease record gains 0.2 × (lease-1 + lease-2): the lease group
    // matches both query words across its records. solo is its own group (no `group`), so it
    // gains 0.2 × its own score only; bank-2 does not match, so bank-1 gains its own score only.
    expect(search(index, 'lease deposit', { groups })).toEqual([
      { id: 'lease-1', score: expect.closeTo(lease1 + 0.2 * (lease1 + lease2), 6), matchedTerms: ['lease', 'deposit'], stages: tagged(lease1, { group: 0.2 * (lease1 + lease2) }) },
      { id: 'lease-2', score: expect.closeTo(lease2 + 0.2 * (lease1 + lease2), 6), matchedTerms: ['lease'], stages: tagged(lease2, { group: 0.2 * (lease1 + lease2) }) },
      { id: 'solo', score: expect.closeTo(1.2 * solo, 6), matchedTerms: ['deposit'], stages: tagged(solo, { group: 0.2 * solo }) },
      { id: 'bank-1', score: expect.closeTo(1.2 * bank1, 6), matchedTerms: ['deposit'], stages: tagged(bank1, { group: 0.2 * bank1 }) },
    ]);
    // Only the best `members` of a group count: with 1, that is lease-1 for both lease records.
    expect(search(index, 'lease deposit', { groups: { ...groups, members: 1 } })[1]).toEqual({
      id: 'lease-2',
      score: expect.closeTo(lease2 + 0.2 * lease1, 6),
      matchedTerms: ['lease'],
      stages: tagged(lease2, { group: 0.2 * lease1 }),
    });
    // Weight 0 is plain BM25F.
    expect(search(index, 'lease deposit', { groups: { weight: 0 } })).toEqual(search(index, 'lease deposit', { groups: false }));
  });

  it('leaves rankings and scores alone when no record has a group', () => {
    const records = generateRecords(createSeededRandom(5), 60, 40);
    const index = Bm25Index.build(records, { analyzer: whitespaceAnalyzer });
    for (const query of ['w1 w2', 'w0 w3 w5', 'w7']) {
      expect(search(index, query, { k: 7 })).toEqual(search(index, query, { k: 7, groups: false }));
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
      const matches = search(index, query, { k: 8, groups: settings });
      expect(matches.map(({ score }) => score)).toEqual(expected.map(({ score }) => expect.closeTo(score, 4)));
    }
  });
});

describe('topic evidence stage', () => {
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
    const found = search(index, QUESTION, { k: 300, topics: { weight: 0.5 } });
    expect(found.map((match) => match.id)).toEqual(expected.map((item) => item.id));
    found.forEach((match, rank) => expect(match.score).toBeCloseTo(expected[rank]!.score, 4));
    // Each match tags its first-pass score and what the topic stage added; they sum to its score.
    for (const match of found) {
      expect(match.stages!.map(({ stage }) => stage)).toEqual(match.stages!.length === 1 ? ['bm25f'] : ['bm25f', 'topic']);
      expect(match.stages!.reduce((sum, { score }) => sum + score, 0)).toBeCloseTo(match.score, 10);
    }
    expect(found.some((match) => match.stages!.length === 2)).toBe(true);
  });

  it('ranks the record about the question\'s topic above an equal lexical match about another', () => {
    const rankOf = (matches: Array<{ id: string }>, id: string) => matches.findIndex((match) => match.id === id);
    const plain = search(index, QUESTION, { k: 300, topics: false });
    expect(plain[rankOf(plain, fruitRecord.id)]!.score).toBeCloseTo(plain[rankOf(plain, vehicleRecord.id)]!.score, 10);
    const withTopics = search(index, QUESTION, { k: 300 });
    expect(rankOf(withTopics, fruitRecord.id)).toBeLessThan(rankOf(withTopics, vehicleRecord.id));
    // Weight 0 is the plain ranking.
    expect(search(index, QUESTION, { k: 300, topics: { weight: 0 } })).toEqual(plain);
    // Asked for more than `candidates`, a search re-scores and returns them all.
    const many = search(index, QUESTION, { k: 300, topics: { candidates: 5 } });
    expect(many.length).toBe(plain.length);
    expect(many.length).toBeGreaterThan(5);
    expect(many).toEqual(withTopics);
  });

  it('keeps its topic vectors through serialization, and has none when too small or asked not to', () => {
    // The topics' words; `zephyr`, seen twice, is under the minimum count of 5.
    expect(index.stats().topicWords).toBe(TOPIC_NAMES.length * 9);
    const copy = Bm25Index.deserialize(index.serialize(), { analyzer: wordsAnalyzer });
    expect(copy.stats().topicWords).toBe(index.stats().topicWords);
    expect(search(copy, QUESTION, { k: 50 })).toEqual(search(index, QUESTION, { k: 50 }));
    const without = Bm25Index.build(records, { analyzer: wordsAnalyzer, topics: false });
    expect(without.stats().topicWords).toBe(0);
    expect(search(without, QUESTION, { k: 50 })).toEqual(search(index, QUESTION, { k: 50, topics: false }));
    const few = Bm25Index.build(records.slice(0, 9), { analyzer: wordsAnalyzer, topics: topicOptions });
    expect(few.stats().topicWords).toBe(0);
    // An analyzer without `words` gives an index no topic vectors.
    expect(Bm25Index.build(records, { analyzer: whitespaceAnalyzer, topics: topicOptions }).stats().topicWords).toBe(0);
  });
});

describe('citation evidence stage', () => {
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
    expect(search(index, QUESTION, { groups: false, citations: { weight: 0.5, saturation: 2 } })).toEqual([
      { id: 'a-1', score: expect.closeTo(a1 + (0.5 * best * 2) / (2 + 2), 6), matchedTerms: ['deposit', 'refund'], citedBy: 2, stages: tagged(a1, { citation: (0.5 * best * 2) / (2 + 2) }) },
      { id: 'b-1', score: expect.closeTo(b1 + (0.5 * best * 1) / (1 + 2), 6), matchedTerms: ['deposit', 'refund'], citedBy: 1, stages: tagged(b1, { citation: (0.5 * best * 1) / (1 + 2) }) },
    ]);
    expect(index.stats().citedGroups).toBe(2);
    // Each named group once, by its first record, most named first.
    expect(index.mostCited(5)).toEqual([{ id: 'a-1', citedBy: 2 }, { id: 'b-1', citedBy: 1 }]);
    expect(index.mostCited(1)).toEqual([{ id: 'a-1', citedBy: 2 }]);
    expect(Bm25Index.build(records, { analyzer: whitespaceAnalyzer, citations: false }).mostCited(5)).toEqual([]);
  });

  it('is off at weight 0, with `false`, and in an index built without it; kept through serialization', () => {
    const plain = search(index, QUESTION, { k: 5, citations: false });
    // A match says it was cited only when that raised its score.
    expect(plain.map((match) => match.citedBy)).toEqual([undefined, undefined]);
    expect(search(index, QUESTION, { k: 5, citations: { weight: 0 } })).toEqual(plain);
    const without = Bm25Index.build(records, { analyzer: whitespaceAnalyzer, citations: false });
    expect(without.stats().citedGroups).toBe(0);
    expect(search(without, QUESTION, { k: 5 })).toEqual(plain);
    const copy = Bm25Index.deserialize(index.serialize(), { analyzer: whitespaceAnalyzer });
    expect(copy.stats().citedGroups).toBe(2);
    expect(search(copy, QUESTION, { k: 5 })).toEqual(search(index, QUESTION, { k: 5 }));
    expect(search(copy, QUESTION, { k: 5 })).not.toEqual(plain);
  });

  it('leaves an index where nothing is named by title exactly as it was', () => {
    const unnamed = records.map((record) => ({ ...record, text: record.text.replace(/[《》]/g, '') }));
    const built = Bm25Index.build(unnamed, { analyzer: whitespaceAnalyzer });
    expect(built.stats().citedGroups).toBe(0);
    expect(search(built, QUESTION, { k: 5 })).toEqual(search(built, QUESTION, { k: 5, citations: false }));
  });
});
