/**
 * The conformance suite every `VectorStore` runs (see `src/index/vector/*.test.ts`): the in-process
 * flat store always, Qdrant and Milvus when a test server's address is set. Each case opens its own
 * collection (a fresh knowledge-base name) and drops it afterwards, so runs against a shared server
 * do not collide.
 *
 * @example
 * runVectorStoreConformance('qdrant', () => createQdrantVectorStoreConnector({ url }));
 */
import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { FlatVectorIndex, vectorPointStamp, type VectorPoint, type VectorStore, type VectorStoreConnector } from '../../src/index/index.js';
import { createSeededRandom } from '../../src/support/index.js';

const DIMENSIONS = 8;

function makePoints(count: number, seed: number, groupsOf: (index: number) => string[] = () => []): VectorPoint[] {
  const random = createSeededRandom(seed);
  return Array.from({ length: count }, (_, index) => {
    const vector = Array.from({ length: DIMENSIONS }, () => random() * 2 - 1);
    const groups = groupsOf(index);
    return { id: `doc-${index}#0`, vector, groups, stamp: vectorPointStamp(vector, groups) };
  });
}

/** The oracle: the exact flat index over the same points, with the access rule as its filter. */
function exactSearch(points: readonly VectorPoint[], query: number[], k: number, readerGroups?: readonly string[]): Array<{ id: string; score: number }> {
  const index = new FlatVectorIndex({ dimensions: DIMENSIONS, embeddingModelId: 'oracle' });
  const groups = new Map(points.map((point) => [point.id, point.groups]));
  for (const point of points) index.add(point.id, point.vector);
  const readable = (id: string): boolean => readerGroups === undefined || groups.get(id)!.length === 0 || groups.get(id)!.some((group) => readerGroups.includes(group));
  return index.search(query, { k, filter: readable });
}

async function listAll(store: VectorStore): Promise<Map<string, string>> {
  const stored = new Map<string, string>();
  for await (const page of store.listPoints()) for (const point of page) stored.set(point.id, point.stamp);
  return stored;
}

const expectSameMatches = (actual: Array<{ id: string; score: number }>, expected: Array<{ id: string; score: number }>): void => {
  expect(actual.map((match) => match.id)).toEqual(expected.map((match) => match.id));
  expect(actual.map((match) => match.score)).toEqual(expected.map((match) => expect.closeTo(match.score, 4)));
};

export function runVectorStoreConformance(name: string, connect: () => VectorStoreConnector, declare: { describe: typeof describe } = { describe }): void {
  declare.describe(`VectorStore conformance: ${name}`, () => {
    const opened: VectorStore[] = [];
    const open = async (): Promise<VectorStore> => {
      const store = await connect().open({ knowledgeBase: `conformance-${randomUUID().slice(0, 8)}`, embeddingModelId: 'test:random', dimensions: DIMENSIONS });
      opened.push(store);
      return store;
    };
    afterEach(async () => {
      for (const store of opened.splice(0)) {
        await store.drop();
        await store.close();
      }
    });

    it('searches an empty collection: no matches, no points', async () => {
      const store = await open();
      expect(await store.search(makePoints(1, 1)[0]!.vector, { k: 5 })).toEqual([]);
      expect(await store.search(makePoints(1, 1)[0]!.vector, { k: 5, readerGroups: ['hr'] })).toEqual([]);
      expect((await listAll(store)).size).toBe(0);
    });

    it('upserts points and returns the exact top k by cosine, best first', async () => {
      const store = await open();
      const points = makePoints(40, 2);
      await store.upsert(points);
      expect(await listAll(store)).toEqual(new Map(points.map((point) => [point.id, point.stamp])));
      const query = makePoints(1, 3)[0]!.vector as number[];
      expectSameMatches(await store.search(query, { k: 5 }), exactSearch(points, query, 5));
      expect(await store.search(query, { k: 0 })).toEqual([]);
    });

    it('filters by access groups inside the search: k readable matches even when the nearest are restricted', async () => {
      const store = await open();
      // Every third point is public, the others belong to hr, legal, or both.
      const groupsOf = (index: number): string[] => [[], ['hr'], ['legal'], ['hr', 'legal'], ['legal']][index % 5]!;
      const points = makePoints(50, 4, groupsOf);
      // The query is a restricted (legal-only) point itself: the nearest match of an unfiltered search.
      const secret = points[2]!;
      await store.upsert(points);
      const query = secret.vector as number[];
      expect((await store.search(query, { k: 1 }))[0]?.id).toBe(secret.id);
      for (const readerGroups of [['hr'], ['legal'], [], ['finance'], ['hr', 'finance']]) {
        const matches = await store.search(query, { k: 6, readerGroups });
        expectSameMatches(matches, exactSearch(points, query, 6, readerGroups));
        expect(matches).toHaveLength(6);
      }
      const byId = new Map(points.map((point) => [point.id, point.groups]));
      for (const match of await store.search(query, { k: 50, readerGroups: ['hr'] })) {
        const groups = byId.get(match.id)!;
        expect(groups.length === 0 || groups.includes('hr'), match.id).toBe(true);
      }
    });

    it('deletes points by id, ignoring ids it does not hold', async () => {
      const store = await open();
      const points = makePoints(20, 5);
      await store.upsert(points);
      const removed = points.slice(0, 5).map((point) => point.id);
      await store.delete([...removed, 'never-stored#0']);
      const kept = points.slice(5);
      expect([...(await listAll(store)).keys()].sort()).toEqual(kept.map((point) => point.id).sort());
      const query = points[0]!.vector as number[];
      const matches = await store.search(query, { k: 20 });
      expect(matches.filter((match) => removed.includes(match.id))).toEqual([]);
      expectSameMatches(matches, exactSearch(kept, query, 20));
    });

    it('re-upserts idempotently and replaces a point whose vector or groups changed', async () => {
      const store = await open();
      const points = makePoints(10, 6);
      await store.upsert(points);
      await store.upsert(points);
      expect((await listAll(store)).size).toBe(10);
      // Point 0 becomes legal-only with point 1's direction: its stamp changes and the filter follows.
      const changedVector = points[1]!.vector;
      const changed: VectorPoint = { id: points[0]!.id, vector: changedVector, groups: ['legal'], stamp: vectorPointStamp(changedVector, ['legal']) };
      await store.upsert([changed]);
      const current = [changed, ...points.slice(1)];
      expect((await listAll(store)).get(changed.id)).toBe(changed.stamp);
      const query = changedVector as number[];
      expectSameMatches(await store.search(query, { k: 10 }), exactSearch(current, query, 10));
      expect((await store.search(query, { k: 10, readerGroups: ['hr'] })).map((match) => match.id)).not.toContain(changed.id);
    });

    it('refuses vectors of another length with E_EMBEDDING_DIMENSIONS', async () => {
      const store = await open();
      await expect(store.upsert([{ id: 'short#0', vector: [1, 2], groups: [], stamp: 'x' }])).rejects.toMatchObject({ code: 'E_EMBEDDING_DIMENSIONS', details: { id: 'short#0', got: 2 } });
      await expect(store.search([1, 2, 3], { k: 1 })).rejects.toMatchObject({ code: 'E_EMBEDDING_DIMENSIONS' });
    });
  });
}

/**
 * For the suites that need a vector database: the server's address from `variable`, or a suite
 * skipped with a message naming the variable. Neither server runs on the build machines, so unlike
 * shared datasets these skip under `CI=true` too.
 */
export function vectorDatabaseFromEnvironment(variable: string, env: NodeJS.ProcessEnv = process.env): { url: string | undefined; describe: typeof describe } {
  const url = env[variable];
  if (url) return { url, describe };
  const reason = `set ${variable} to a test server's address to run these`;
  process.stderr.write(`Skipping vector database conformance tests: ${reason}.\n`);
  const skipped = ((name: string, body: () => void) => describe.skip(`${name} [skipped: ${reason}]`, body)) as unknown as typeof describe;
  return { url: undefined, describe: skipped };
}
