import { describe, expect, it } from 'vitest';
import { HangjiaError } from '../../errors/index.js';
import { TOPICS, TOPIC_NAMES, topicalSequences } from './__fixtures__/topical-corpus.js';
import { TopicModel, WordSequences } from './topic-model.js';

const SMALL = { dimensions: 8, minVocabulary: 0 };
const sequences = topicalSequences(600).map((item) => item.words);

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  for (let k = 0; k < a.length; k++) dot += a[k]! * b[k]!;
  return dot;
}

describe('TopicModel', () => {
  const model = TopicModel.train(sequences, SMALL)!;
  const vector = (word: string): Float32Array => model.wordVector(word)!;

  it('puts words that share contexts close together, though they never occur together', () => {
    expect(model.vocabulary).toHaveLength(TOPIC_NAMES.length * 9);
    for (const topic of TOPIC_NAMES) {
      const [first, second, third] = TOPICS[topic].core;
      // Never in one text (one core word per text), so any closeness is learned from contexts.
      expect(sequences.some((words) => words.includes(first) && words.includes(second))).toBe(false);
      const within = Math.min(cosine(vector(first), vector(second)), cosine(vector(first), vector(third)));
      const across = Math.max(...TOPIC_NAMES.filter((other) => other !== topic).flatMap((other) => TOPICS[other].core.map((word) => cosine(vector(first), vector(word)))));
      expect(within).toBeGreaterThan(0.8);
      expect(across).toBeLessThan(within - 0.3);
    }
  });

  it('embeds a text as the unit-length, idf-weighted mean of its words, nearest to texts of its topic', () => {
    const query = model.embed(['pear', 'harvest'])!;
    expect(Math.hypot(...query)).toBeCloseTo(1, 5);
    const fruit = model.embed(['apple', 'sweet', 'orchard'])!;
    for (const topic of TOPIC_NAMES.filter((name) => name !== 'fruit')) {
      const other = model.embed([TOPICS[topic].core[0], ...TOPICS[topic].context.slice(0, 2)])!;
      expect(cosine(query, fruit)).toBeGreaterThan(cosine(query, other) + 0.3);
    }
    // Words it has no vector for are left out; none known gives no vector.
    expect(model.embed(['pear', 'harvest', 'zephyr'])).toEqual(query);
    expect(model.embed(['zephyr', 'quux'])).toBeUndefined();
  });

  it('learns the same vectors from the same texts, and rebuilds from its parts', () => {
    const again = TopicModel.train(sequences, SMALL)!;
    expect(again.vectors).toEqual(model.vectors);
    expect(again.vocabulary).toEqual(model.vocabulary);
    const copy = TopicModel.fromParts({ vocabulary: model.vocabulary, vectors: model.vectors, documentFrequencies: model.documentFrequencies, sequences: model.sequences });
    expect(copy.embed(['court', 'appeal'])).toEqual(model.embed(['court', 'appeal']));
  });

  it('embeds numbered sequences as it embeds words', () => {
    const numbered = WordSequences.from(sequences.slice(0, 40));
    const all = model.embedAll(numbered);
    sequences.slice(0, 40).forEach((words, index) => expect(all.subarray(index * 8, (index + 1) * 8)).toEqual(model.embed(words)));
    // A text with no known word gets zeros.
    expect([...model.embedAll(WordSequences.from([['zephyr']]))]).toEqual(new Array(8).fill(0));
  });

  it('reads every n-th text past maxTrainingTokens, and still learns the topics', () => {
    // 600 texts of 8 words: a budget of 2,400 reads every second text.
    const sampled = TopicModel.train(sequences, { ...SMALL, maxTrainingTokens: 2400 })!;
    expect(sampled.vectors).not.toEqual(model.vectors);
    const near = (a: string, b: string) => cosine(sampled.wordVector(a)!, sampled.wordVector(b)!);
    expect(near('apple', 'pear')).toBeGreaterThan(near('apple', 'car') + 0.3);
    // Document frequencies (for idf) still count every text.
    expect(sampled.sequences).toBe(600);
    expect(sampled.documentFrequencies).toEqual(model.documentFrequencies);
  });

  it('learns nothing from a collection with too few frequent words', () => {
    // 54 words seen 5 times or more, below the default 10,000.
    expect(TopicModel.train(sequences)).toBeUndefined();
    // Words seen fewer than minCount times get no vector, which leaves too few here.
    expect(TopicModel.train(sequences.slice(0, 20), { ...SMALL, minCount: 5 })).toBeUndefined();
  });

  it('names a bad option, and refuses parts that do not fit together', () => {
    const thrown = (() => {
      try {
        TopicModel.train(sequences, { dimensions: 0 });
      } catch (error) {
        return error;
      }
      return undefined;
    })();
    expect(HangjiaError.is(thrown, 'E_CONFIG')).toBe(true);
    expect((thrown as Error).message).toContain('dimensions');
    expect(() => TopicModel.fromParts({ vocabulary: ['a', 'b'], vectors: new Float32Array(3), documentFrequencies: new Uint32Array(2), sequences: 2 })).toThrow(/do not fit/);
  });
});
