import { describe, expect, it } from 'vitest';
import { HangjiaError } from '../../errors/index.js';
import { FLAT_VECTOR_SERIALIZATION_VERSION, FlatVectorIndex } from './index.js';
import { createSeededRandom } from '../../support/index.js';


const randomVector = (random: () => number, dimensions: number): number[] => Array.from({ length: dimensions }, () => random() * 2 - 1);

/** The oracle: cosine in double precision over the raw vectors kept in a plain Map, full sort. */
function naiveSearch(vectors: Map<string, number[]>, query: number[], k: number, filter?: (id: string) => boolean): { id: string; score: number }[] {
  const norm = (vector: number[]): number => Math.sqrt(vector.reduce((sum, value) => sum + value * value, 0));
  return [...vectors]
    .filter(([id]) => filter === undefined || filter(id))
    .map(([id, vector]) => ({ id, score: vector.reduce((sum, value, index) => sum + value * (query[index] ?? 0), 0) / (norm(vector) * norm(query)) }))
    .sort((left, right) => right.score - left.score || (left.id < right.id ? -1 : 1))
    .slice(0, k);
}

const expectMatches = (actual: { id: string; score: number }[], expected: { id: string; score: number }[]): void => {
  expect(actual.map((match) => match.id)).toEqual(expected.map((match) => match.id));
  expect(actual.map((match) => match.score)).toEqual(expected.map((match) => expect.closeTo(match.score, 5)));
};

describe('FlatVectorIndex', () => {
  it('agrees with a naive oracle through adds, replacements, removals and filters', () => {
    const random = createSeededRandom(7);
    const dimensions = 12;
    const index = new FlatVectorIndex({ dimensions, embeddingModelId: 'test:random' });
    const oracle = new Map<string, number[]>();
    // 600 operations: growth past the initial capacity, id reuse, and swap-removal all happen.
    for (let step = 0; step < 600; step++) {
      const id = `chunk-${Math.floor(random() * 200)}`;
      if (random() < 0.25) {
        expect(index.remove(id)).toBe(oracle.delete(id));
      } else {
        const vector = randomVector(random, dimensions);
        index.add(id, vector);
        oracle.set(id, vector);
      }
      if (step % 50 === 49) {
        expect(index.size).toBe(oracle.size);
        const query = randomVector(random, dimensions);
        expectMatches(index.search(query, { k: 10 }), naiveSearch(oracle, query, 10));
        const even = (candidate: string): boolean => Number(candidate.split('-')[1]) % 2 === 0;
        expectMatches(index.search(query, { k: 7, filter: even }), naiveSearch(oracle, query, 7, even));
      }
    }
  });

  it('scores by direction only and breaks ties by id', () => {
    const index = new FlatVectorIndex({ dimensions: 2, embeddingModelId: 'test' });
    index.add('b', [10, 0]); // same direction as the query, long
    index.add('a', [0.1, 0]); // same direction, short: ties with b, and 'a' < 'b'
    index.add('c', [0, 1]); // orthogonal
    index.add('d', [-1, 0]); // opposite
    index.add('zero', [0, 0]); // no direction: scores 0, after 'c' by id
    expect(index.search([3, 0], { k: 10 })).toEqual([
      { id: 'a', score: 1 },
      { id: 'b', score: 1 },
      { id: 'c', score: 0 },
      { id: 'zero', score: 0 },
      { id: 'd', score: -1 },
    ]);
    expect(index.search([3, 0], { k: 0 })).toEqual([]);
  });

  it('rejects vectors of the wrong length with E_EMBEDDING_DIMENSIONS', () => {
    const index = new FlatVectorIndex({ dimensions: 3, embeddingModelId: 'test' });
    expect(() => index.add('x', [1, 2])).toThrow(expect.objectContaining({ code: 'E_EMBEDDING_DIMENSIONS', details: expect.objectContaining({ id: 'x', expected: 3, got: 2 }) }));
    expect(() => index.search([1, 2, 3, 4], { k: 1 })).toThrow(expect.objectContaining({ code: 'E_EMBEDDING_DIMENSIONS' }));
  });

  it('round-trips through serialize/deserialize, including at an unaligned byte offset', () => {
    const random = createSeededRandom(11);
    const index = new FlatVectorIndex({ dimensions: 5, embeddingModelId: 'openai-compatible:bge-m3' });
    for (let row = 0; row < 40; row++) index.add(`条目-${row}`, randomVector(random, 5));
    index.remove('条目-3');
    const bytes = index.serialize();
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const restored = FlatVectorIndex.deserialize(shifted.subarray(1), { dimensions: 5, embeddingModelId: 'openai-compatible:bge-m3' });
    expect(restored.size).toBe(39);
    expect(restored.has('条目-3')).toBe(false);
    const query = randomVector(random, 5);
    expect(restored.search(query, { k: 39 })).toEqual(index.search(query, { k: 39 }));
    restored.add('new', query);
    expect(restored.search(query, { k: 1 })[0]?.id).toBe('new');
  });

  it('refuses another embedding model, dimension count or serialization version with E_INDEX_VERSION', () => {
    const index = new FlatVectorIndex({ dimensions: 2, embeddingModelId: 'llama-cpp:bge-m3.gguf' });
    index.add('a', [1, 0]);
    const bytes = index.serialize();
    const codeOf = (run: () => unknown): unknown => {
      try {
        run();
      } catch (error) {
        return HangjiaError.is(error) ? [error.code, error.details] : error;
      }
      return 'no error';
    };
    expect(codeOf(() => FlatVectorIndex.deserialize(bytes, { embeddingModelId: 'openai-compatible:text-embedding-3-small' }))).toEqual([
      'E_INDEX_VERSION',
      { setting: 'embeddingModelId', expected: 'openai-compatible:text-embedding-3-small', found: 'llama-cpp:bge-m3.gguf' },
    ]);
    expect(codeOf(() => FlatVectorIndex.deserialize(bytes, { dimensions: 3 }))).toEqual([
      'E_INDEX_VERSION',
      { setting: 'dimensions', expected: 3, found: 2 },
    ]);
    const future = bytes.slice();
    new DataView(future.buffer).setUint32(4, FLAT_VECTOR_SERIALIZATION_VERSION + 1, true);
    expect(codeOf(() => FlatVectorIndex.deserialize(future))).toEqual(['E_INDEX_VERSION', { expected: 1, found: 2 }]);
    expect(codeOf(() => FlatVectorIndex.deserialize(new TextEncoder().encode('not an index at all')))).toEqual([
      'E_INDEX_CORRUPT',
      expect.anything(),
    ]);
    expect(FlatVectorIndex.serializationVersion).toBe(FLAT_VECTOR_SERIALIZATION_VERSION);
  });
});
