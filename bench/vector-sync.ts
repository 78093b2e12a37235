/**
 * What keeping an external vector store current costs, next to building the flat index it replaces:
 *
 *   npx tsx bench/vector-sync.ts [--chunks 50000] [--dimensions 384] [--rounds 3] [--queries 200]
 *
 * A synthetic knowledge base is written straight into a temporary store: `--chunks` one-chunk
 * documents in files of 1,000, every third file restricted to the group `legal`, each chunk with a
 * seeded random embedding. Per round, in an order that rotates:
 *
 * - `flat build`: what `buildDerivedIndexes` does for vectors (read every embedding, fill a
 *   `FlatVectorIndex`, serialize it);
 * - `external first push`: `syncVectorStore` into an empty in-process `FlatVectorStore` (list,
 *   stamp every chunk, upsert all);
 * - `external no-op resync`: the same again with nothing changed (list, stamp, compare, write nothing);
 * - `external resync after a group change`: one file (1,000 chunks) gets other groups, then a resync.
 *
 * The in-process store stands in for Qdrant and Milvus, so the numbers are hangjia's own share of a
 * sync (reading the store, hashing, diffing), without the network and the database's indexing.
 * Then vector search latency with the access filter, `--queries` random queries at k = 50 for an
 * outsider (public chunks only): the flat index with a per-id filter (as `KnowledgeBase.search` does)
 * against `FlatVectorStore.search` with reader groups (the path an external store takes).
 * Writes bench/results/vector-sync.json and the generated bench/results/vector-sync.md.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { FlatVectorIndex, FlatVectorStore } from '../src/index/index.js';
import { SqliteKnowledgeBaseStore } from '../src/knowledge-base/index.js';
import { syncVectorStore } from '../src/knowledge-base/vector-sync.js';
import { createSeededRandom } from '../src/support/index.js';
import { describeCodeVersion, describeMachine } from './machine-info.js';
import { REPOSITORY_ROOT } from './retrieval-config.js';

const { values: flags } = parseArgs({
  options: { chunks: { type: 'string', default: '50000' }, dimensions: { type: 'string', default: '384' }, rounds: { type: 'string', default: '3' }, queries: { type: 'string', default: '200' } },
});
const chunkCount = Number(flags.chunks);
const dimensions = Number(flags.dimensions);
const rounds = Number(flags.rounds);
const queryCount = Number(flags.queries);
const FILE_SIZE = 1000;
const MODEL_ID = 'bench:random';
const K = 50;
const LOCATION = 'in-process';
const RESULTS = join(REPOSITORY_ROOT, 'bench', 'results');

const home = mkdtempSync(join(tmpdir(), 'hangjia-vector-sync-'));
const store = SqliteKnowledgeBaseStore.open(join(home, 'kb.sqlite'), { create: true });
const random = createSeededRandom(18);
const randomVector = (): Float32Array => Float32Array.from({ length: dimensions }, () => random() * 2 - 1);

const filePaths: string[] = [];
for (let fileIndex = 0; fileIndex * FILE_SIZE < chunkCount; fileIndex++) {
  const filePath = join(home, 'source', `file-${fileIndex}.txt`);
  filePaths.push(filePath);
  const documents = [];
  const embeddings = [];
  for (let row = 0; row < FILE_SIZE && fileIndex * FILE_SIZE + row < chunkCount; row++) {
    const id = `doc-${fileIndex}-${row}`;
    const text = `第${fileIndex}号文件第${row}条`;
    const textHash = createHash('sha256').update(text).digest('hex');
    documents.push({
      document: { id, sourcePath: filePath, format: 'txt' as const, title: id, text, contentHash: textHash, metadata: {} },
      chunks: [{ chunk: { id: `${id}#0`, documentId: id, index: 0, text, headingPath: [], start: 0, end: text.length, tokenCount: text.length }, textHash }],
    });
    embeddings.push({ textHash, vector: randomVector() });
  }
  store.replaceSourceFile(
    { path: filePath, root: join(home, 'source'), relativePath: `file-${fileIndex}.txt`, format: 'txt', size: 0, mtimeMs: 0, fileHash: String(fileIndex) },
    documents,
    fileIndex % 3 === 2 ? ['legal'] : [],
  );
  store.saveEmbeddings(MODEL_ID, embeddings);
}

type Step = 'flat build' | 'external first push' | 'external no-op resync' | 'external resync after a group change';
const STEPS: Step[] = ['flat build', 'external first push', 'external no-op resync', 'external resync after a group change'];
const seconds = new Map<Step, number[]>(STEPS.map((step) => [step, []]));
const writes = new Map<Step, number>();
const loadByRound: Array<[number, number]> = [];
let flatIndex: FlatVectorIndex | undefined;
let external: FlatVectorStore | undefined;

const spec = { knowledgeBase: 'bench', embeddingModelId: MODEL_ID, dimensions };
const time = async (step: Step, run: () => Promise<number | undefined> | number | undefined): Promise<void> => {
  const started = performance.now();
  const written = await run();
  seconds.get(step)!.push((performance.now() - started) / 1000);
  if (written !== undefined) writes.set(step, written);
};
const runners: Record<'flat' | 'external', () => Promise<void>> = {
  flat: async () =>
    time('flat build', () => {
      flatIndex = new FlatVectorIndex({ dimensions, embeddingModelId: MODEL_ID });
      for (const { chunkId, vector } of store.iterateChunkEmbeddings(MODEL_ID)) flatIndex.add(chunkId, vector);
      flatIndex.serialize();
      return undefined;
    }),
  external: async () => {
    external = new FlatVectorStore(spec);
    const target = external;
    await time('external first push', async () => (await syncVectorStore(store, target, MODEL_ID, LOCATION)).upserted);
    await time('external no-op resync', async () => {
      const state = await syncVectorStore(store, target, MODEL_ID, LOCATION);
      return state.upserted + state.deleted;
    });
    // File 0 is public; it alternates between ['hr'] and [] so every round changes 1,000 chunks.
    store.applySourceFileGroups(filePaths[0]!, ['hr']);
    await time('external resync after a group change', async () => (await syncVectorStore(store, target, MODEL_ID, LOCATION)).upserted);
    store.applySourceFileGroups(filePaths[0]!, []);
  },
};
for (let round = 0; round < rounds; round++) {
  const start = loadavg()[0]!;
  const order: Array<'flat' | 'external'> = round % 2 === 0 ? ['flat', 'external'] : ['external', 'flat'];
  for (const name of order) await runners[name]();
  loadByRound.push([start, loadavg()[0]!]);
}

// Search with the access filter: an outsider (no groups) reads public chunks only.
await syncVectorStore(store, external!, MODEL_ID, LOCATION);
const restricted = new Set<string>();
for (const { chunkId } of store.iterateRestrictedChunks()) restricted.add(chunkId);
const queries = Array.from({ length: queryCount }, randomVector);
const searchMs: Record<'flat index + filter' | 'FlatVectorStore + readerGroups', number[]> = { 'flat index + filter': [], 'FlatVectorStore + readerGroups': [] };
let disagreements = 0;
for (const [index, query] of queries.entries()) {
  const runFlat = (): string[] => {
    const started = performance.now();
    const ids = flatIndex!.search(query, { k: K, filter: (id) => !restricted.has(id) }).map((match) => match.id);
    searchMs['flat index + filter'].push(performance.now() - started);
    return ids;
  };
  const runStore = async (): Promise<string[]> => {
    const started = performance.now();
    const ids = (await external!.search(query, { k: K, readerGroups: [] })).map((match) => match.id);
    searchMs['FlatVectorStore + readerGroups'].push(performance.now() - started);
    return ids;
  };
  // Alternate which path runs first, so neither always finds the vectors warm in the cache.
  let flatIds: string[];
  let storeIds: string[];
  if (index % 2 === 0) {
    flatIds = runFlat();
    storeIds = await runStore();
  } else {
    storeIds = await runStore();
    flatIds = runFlat();
  }
  if (JSON.stringify(flatIds) !== JSON.stringify(storeIds) || storeIds.some((id) => restricted.has(id))) disagreements += 1;
}
store.close();
rmSync(home, { recursive: true, force: true });

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const percentile = (values: number[], fraction: number): number => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(fraction * values.length))]!;
const output = {
  command: `npx tsx bench/vector-sync.ts --chunks ${chunkCount} --dimensions ${dimensions} --rounds ${rounds} --queries ${queryCount}`,
  date: new Date().toISOString(),
  code: describeCodeVersion(),
  machine: describeMachine(),
  corpus: { chunks: chunkCount, dimensions, restrictedChunks: restricted.size },
  rounds,
  loadAverageByRound: loadByRound,
  steps: Object.fromEntries(STEPS.map((step) => [step, { medianSeconds: median(seconds.get(step)!), rawSeconds: seconds.get(step)!, pointsWritten: writes.get(step) ?? null }])),
  search: Object.fromEntries(Object.entries(searchMs).map(([name, values]) => [name, { p50Ms: percentile(values, 0.5), p99Ms: percentile(values, 0.99) }])),
  searchDisagreements: disagreements,
};
mkdirSync(RESULTS, { recursive: true });
writeFileSync(join(RESULTS, 'vector-sync.json'), `${JSON.stringify(output, null, 2)}\n`);
const markdown = [
  '# Keeping an external vector store current',
  '',
  `<!-- Generated by \`${output.command}\` from bench/results/vector-sync.json. Do not edit by hand. -->`,
  '',
  `${chunkCount} synthetic chunks × ${dimensions} dimensions (${restricted.size} restricted), ${rounds} rounds in rotating order; the in-process FlatVectorStore stands in for Qdrant/Milvus, so these are hangjia's own costs (no network, no database indexing).`,
  `Machine: ${output.machine.cpuModel}, ${output.machine.cores} cores (shared), Node ${output.machine.node}; commit ${output.code.commit}${output.code.dirty ? ' (uncommitted changes)' : ''}; ${output.date}; ` +
    `load average per round ${loadByRound.map(([start, end]) => `${start.toFixed(1)}→${end.toFixed(1)}`).join(', ')}.`,
  '',
  '| step | median s | rounds (s) | points written |',
  '|---|---:|---|---:|',
  ...STEPS.map((step) => {
    const row = output.steps[step]!;
    return `| ${step} | ${row.medianSeconds.toFixed(2)} | ${row.rawSeconds.map((value) => value.toFixed(2)).join(', ')} | ${row.pointsWritten ?? '—'} |`;
  }),
  '',
  `Vector search for an outsider (public chunks only), k = ${K}, ${queryCount} queries:`,
  '',
  '| path | p50 ms | p99 ms |',
  '|---|---:|---:|',
  ...Object.entries(output.search).map(([name, row]) => `| ${name} | ${row.p50Ms.toFixed(2)} | ${row.p99Ms.toFixed(2)} |`),
  '',
  `Queries whose hit lists differ between the two paths, or that return a restricted chunk: ${disagreements} (must be 0).`,
  '',
].join('\n');
writeFileSync(join(RESULTS, 'vector-sync.md'), markdown);
process.stdout.write(markdown);
