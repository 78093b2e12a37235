import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureTinyOnnxEmbedder } from '../../test/fixtures/make-tiny-onnx-embedder.js';
import { useTemporaryDirectories, writeFiles } from '../../test/support/temporary-directory.js';
import { createAnalyzer } from '../analysis/index.js';
import { createChunker } from '../chunking/index.js';
import { DEFAULT_CONFIG } from '../config/index.js';
import { createInProcessVectorStoreConnector, type VectorStore, type VectorStoreConnector } from '../index/index.js';
import type { DisposableEmbeddingModel } from '../models/index.js';
import { createTransformersEmbeddingModel } from '../providers/index.js';
import { createKnowledgeBase, openKnowledgeBase, type KnowledgeBase, type KnowledgeBaseComponents } from './index.js';

const temporaryDirectory = useTemporaryDirectories();
const models: DisposableEmbeddingModel[] = [];
afterAll(async () => {
  for (const model of models) await model.dispose();
});

// As in access-hybrid.test.ts: more restricted documents than a retriever's candidate list, each
// the query itself, so a filter applied after the vector search would leave nothing to return.
const RESTRICTED_COUNT = 60;
const QUERY = '年终奖怎么发放';

function corpus(): Record<string, string> {
  const files: Record<string, string> = {
    '考勤.md': '# 考勤制度\n\n员工每天九点上班，年终奖评定参考考勤。\n',
    '福利.md': '# 福利制度\n\n公司缴纳五险一金，年终奖之外另有节日福利。\n',
    '公告.md': '# 通知\n\n年终奖相关问题请咨询人力资源部。\n',
    '.hangjia-access.yaml': '"secret/**": [hr]\n',
  };
  for (let index = 0; index < RESTRICTED_COUNT; index++) files[`secret/年终奖方案${index}.txt`] = QUERY;
  return files;
}

async function components(vectorStore?: VectorStoreConnector): Promise<KnowledgeBaseComponents> {
  const model = createTransformersEmbeddingModel({ modelDir: await ensureTinyOnnxEmbedder() });
  models.push(model);
  return { analyzer: createAnalyzer(), chunker: createChunker(DEFAULT_CONFIG.chunking), embeddingModel: model, ...(vectorStore ? { vectorStore } : {}) };
}

async function makeKnowledgeBase(root: string, name: string, vectorStore?: VectorStoreConnector): Promise<KnowledgeBase> {
  return createKnowledgeBase(
    { home: temporaryDirectory(), name, settings: { sources: [root], include: [], exclude: [], maxFileBytes: 1e8, chunking: DEFAULT_CONFIG.chunking } },
    await components(vectorStore),
  );
}

/** The collection's points as chunk id → stamp. */
async function pointsOf(connector: VectorStoreConnector, kb: KnowledgeBase): Promise<Map<string, string>> {
  const state = kb.stats().vectorStore!;
  const store = await connector.open({ knowledgeBase: kb.name, embeddingModelId: kb.stats().embeddingModelId!, dimensions: await dimensionsOf(kb) });
  expect(store.collection).toBe(state.collection);
  const points = new Map<string, string>();
  for await (const page of store.listPoints()) for (const point of page) points.set(point.id, point.stamp);
  return points;
}

async function dimensionsOf(kb: KnowledgeBase): Promise<number> {
  for (const { vector } of kb.store.iterateChunkEmbeddings(kb.stats().embeddingModelId!)) return vector.length;
  throw new Error('no embeddings');
}

const chunkIds = (kb: KnowledgeBase): string[] => [...kb.store.iterateChunks()].map((stored) => stored.chunk.id).sort();

describe('a knowledge base whose vectors live in an external vector store (in-process store, tiny ONNX embedder)', () => {
  it('gives the same vector and hybrid hits as the flat index, with the access filter inside the vector search', async () => {
    const root = temporaryDirectory();
    writeFiles(root, corpus());
    const connector = createInProcessVectorStoreConnector();
    const external = await makeKnowledgeBase(root, 'external', connector);
    const flat = await makeKnowledgeBase(root, 'flat');
    await external.sync();
    await flat.sync();
    expect(external.hasVectorSearch()).toBe(true);
    // No flat vector index is derived when the vectors live elsewhere.
    expect(external.stats().index?.vector).toBeUndefined();
    expect([...(await pointsOf(connector, external)).keys()].sort()).toEqual(chunkIds(external));
    for (const mode of ['vector', 'hybrid'] as const) {
      for (const access of [undefined, { groups: ['finance'] }, { groups: ['hr'] }]) {
        const label = `${mode} ${JSON.stringify(access)}`;
        const expected = await flat.search(QUERY, { k: 5, mode, ...(access ? { access } : {}) });
        const actual = await external.search(QUERY, { k: 5, mode, ...(access ? { access } : {}) });
        expect(actual.hits.map((hit) => [hit.chunk.id, hit.score]), label).toEqual(expected.hits.map((hit) => [hit.chunk.id, expect.closeTo(hit.score, 6)]));
      }
    }
    const outsider = await external.search(QUERY, { k: 3, mode: 'vector', access: { groups: ['finance'] } });
    expect(outsider.hits.map((hit) => hit.documentTitle).sort()).toEqual(['考勤制度', '福利制度', '通知'].sort());
    external.close();
    flat.close();
  });

  it('upserts and deletes points with the chunks a sync adds and removes, and writes nothing when nothing changed', async () => {
    const root = temporaryDirectory();
    writeFiles(root, { 'a.md': '# 甲\n\n年终奖按月发放。\n', 'b.md': '# 乙\n\n试用期最长六个月。\n' });
    const connector = createInProcessVectorStoreConnector();
    const kb = await makeKnowledgeBase(root, 'changes', connector);
    const progress: Array<[number, number]> = [];
    await kb.sync({ onProgress: ({ phase, done, total }) => phase === 'vectors' && progress.push([done, total]) });
    expect(progress).toEqual([[0, 2], [2, 2]]);
    expect(kb.stats().vectorStore).toMatchObject({ kind: 'flat', points: 2, upserted: 2, deleted: 0, unchanged: 0, generation: kb.store.generation() });
    const before = await pointsOf(connector, kb);

    fs.rmSync(path.join(root, 'b.md'));
    writeFiles(root, { 'c.md': '# 丙\n\n劳动合同纠纷的诉讼时效。\n' });
    await kb.sync();
    expect(kb.stats().vectorStore).toMatchObject({ points: 2, upserted: 1, deleted: 1, unchanged: 1 });
    const after = await pointsOf(connector, kb);
    expect([...after.keys()].sort()).toEqual(chunkIds(kb));
    expect([...after.keys()].filter((id) => before.has(id))).toHaveLength(1);

    const generation = kb.store.generation();
    await kb.sync();
    expect(kb.store.generation()).toBe(generation);
    expect(kb.stats().vectorStore).toMatchObject({ upserted: 1, deleted: 1 }); // the last real sync's counters stand
    kb.close();
  });

  it('pushes everything again to another server, though the store has not changed', async () => {
    const root = temporaryDirectory();
    writeFiles(root, { 'a.md': '# 甲\n\n年终奖按月发放。\n', 'b.md': '# 乙\n\n试用期最长六个月。\n' });
    const first = createInProcessVectorStoreConnector();
    const kb = await makeKnowledgeBase(root, 'moved', first);
    await kb.sync();
    const home = path.dirname(path.dirname(kb.directory));
    kb.close();
    // The same knowledge base opened with a connector to another (empty) server.
    const second = createInProcessVectorStoreConnector();
    const moved = openKnowledgeBase({ home, name: 'moved' }, await components(second));
    expect((await moved.search('年终奖', { k: 1, mode: 'vector' })).hits).toHaveLength(1);
    expect(moved.stats().vectorStore).toMatchObject({ location: second.location, upserted: 2, points: 2 });
    expect([...(await pointsOf(second, moved)).keys()].sort()).toEqual(chunkIds(moved));
    moved.close();
  });

  it('converges after a sync killed half-way through writing the vectors', async () => {
    const root = temporaryDirectory();
    writeFiles(root, corpus());
    const inner = createInProcessVectorStoreConnector();
    let failWrites = true;
    // The database accepts half of the first batch, then the connection drops.
    const flaky: VectorStoreConnector = {
      kind: inner.kind,
      location: inner.location,
      async open(spec) {
        const real = await inner.open(spec);
        const wrapper: VectorStore = Object.create(real) as VectorStore;
        wrapper.upsert = async (points) => {
          if (!failWrites) return real.upsert(points);
          await real.upsert(points.slice(0, Math.floor(points.length / 2)));
          throw new Error('connection reset by peer');
        };
        return wrapper;
      },
    };
    const kb = await makeKnowledgeBase(root, 'crash', flaky);
    await expect(kb.sync()).rejects.toThrow('connection reset by peer');
    expect(kb.stats().vectorStore).toBeUndefined();
    const partial = new Map<string, string>();
    const collection = await inner.open({ knowledgeBase: 'crash', embeddingModelId: kb.stats().embeddingModelId!, dimensions: await dimensionsOf(kb) });
    for await (const page of collection.listPoints()) for (const point of page) partial.set(point.id, point.stamp);
    expect(partial.size).toBe(Math.floor(chunkIds(kb).length / 2));

    failWrites = false;
    await kb.sync();
    expect(kb.stats().vectorStore).toMatchObject({ points: chunkIds(kb).length, upserted: chunkIds(kb).length - partial.size, unchanged: partial.size, deleted: 0 });
    expect([...(await pointsOf(inner, kb)).keys()].sort()).toEqual(chunkIds(kb));
    kb.close();
  });

  it('carries an admin\'s group change into the vector store before the next search, so the filter inside it follows', async () => {
    const root = temporaryDirectory();
    writeFiles(root, { '年终奖.md': `# 年终奖\n\n${QUERY}\n`, '考勤.md': '# 考勤制度\n\n员工每天九点上班。\n' });
    const connector = createInProcessVectorStoreConnector();
    const kb = await makeKnowledgeBase(root, 'regroup', connector);
    await kb.sync();
    const bonus = kb.listDocuments().find((document) => document.title === '年终奖')!;
    const beforeStamps = await pointsOf(connector, kb);
    kb.setDocumentGroups(bonus.id, ['hr']);
    const hits = await kb.search(QUERY, { k: 2, mode: 'vector', access: { groups: ['finance'] } });
    expect(hits.hits.map((hit) => hit.documentTitle)).toEqual(['考勤制度']);
    const afterStamps = await pointsOf(connector, kb);
    const changed = [...afterStamps].filter(([id, stamp]) => beforeStamps.get(id) !== stamp).map(([id]) => id);
    expect(changed).toEqual(kb.store.chunksOfDocument(bonus.id).map((stored) => stored.chunk.id));
    // Inside the store itself: a finance reader's search there no longer sees the restricted chunk.
    const store = await connector.open({ knowledgeBase: kb.name, embeddingModelId: kb.stats().embeddingModelId!, dimensions: await dimensionsOf(kb) });
    const [firstVector] = [...kb.store.iterateChunkEmbeddings(kb.stats().embeddingModelId!)].filter(({ chunkId }) => changed.includes(chunkId)).map(({ vector }) => vector);
    expect((await store.search(firstVector!, { k: 5, readerGroups: ['finance'] })).map((match) => match.id)).not.toContain(changed[0]);
    kb.close();
  });
});
