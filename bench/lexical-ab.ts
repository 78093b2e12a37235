/**
 * Query time of hangjia's lexical search in two checkouts, measured in one process with the
 * queries interleaved (the order alternates per query), so a shared machine's load weighs on both
 * alike: CPU time per query (process.cpuUsage), p50 / p99 / mean over every stard-legal question.
 * Both checkouts read the same index bytes (the serialization format must match); results are
 * compared query by query and any difference is reported.
 *
 *   npx tsx bench/lexical-ab.ts --baseline ../main [--rounds 3] [--plain]
 *
 * `--plain` times the BM25F first pass alone (no rescoring stages). Prints; writes nothing.
 */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';
import { readBeirDataset } from '../src/eval/index.js';
import { REPOSITORY_ROOT } from './retrieval-config.js';

const { values: flags } = parseArgs({ options: { baseline: { type: 'string' }, rounds: { type: 'string', default: '3' }, plain: { type: 'boolean', default: false } } });
if (!flags.baseline) throw new Error('--baseline <checkout> is required');
const checkouts = [
  ['baseline', resolve(flags.baseline)],
  ['this', REPOSITORY_ROOT],
] as const;
const dataset = readBeirDataset(resolve(REPOSITORY_ROOT, '..', 'shared', 'datasets', 'stard-legal'));
const { corpusDocumentToRecord } = await import(pathToFileURL(`${REPOSITORY_ROOT}/src/eval/index.ts`).href);
const { Bm25Index } = await import(pathToFileURL(`${REPOSITORY_ROOT}/src/index/index.ts`).href);
const { createAnalyzer } = await import(pathToFileURL(`${REPOSITORY_ROOT}/src/analysis/index.ts`).href);
console.error(`[lexical-ab] building the stard-legal index (${dataset.corpus.length} articles)…`);
const bytes: Uint8Array = Bm25Index.build(dataset.corpus.map(corpusDocumentToRecord), { analyzer: createAnalyzer() }).serialize();

type Search = (query: string) => Array<{ id: string; score: number }>;
const systems: Array<{ name: string; search: Search }> = [];
for (const [name, root] of checkouts) {
  const url = (module: string) => pathToFileURL(`${root}/src/${module}/index.ts`).href;
  const index = (await import(url('index'))).Bm25Index.deserialize(bytes, { analyzer: (await import(url('analysis'))).createAnalyzer() });
  const retrieval = await import(url('retrieval'));
  // A checkout from before the rescoring cascade searched with evidence inside Bm25Index.search.
  const lexical = retrieval.createLexicalSearch?.(index);
  const search: Search = flags.plain
    ? (query) => (lexical ? index.search(query, { k: 100 }) : index.search(query, { k: 100, groups: false, topics: false, citations: false }))
    : (query) => (lexical ? lexical.search(query, { k: 100 }) : index.search(query, { k: 100 }));
  systems.push({ name, search });
}
const queries = dataset.queries.map((query) => query.text);
let differing = 0;
for (const query of queries.slice(0, 100)) {
  const [a, b] = systems.map((system) => JSON.stringify(system.search(query).map(({ id, score }) => [id, score])));
  if (a !== b) differing++;
}
const times = systems.map(() => [] as number[]);
for (let round = 0; round < Number(flags.rounds); round++) {
  queries.forEach((query, position) => {
    for (let offset = 0; offset < systems.length; offset++) {
      const which = (position + round + offset) % systems.length;
      const started = process.cpuUsage();
      systems[which]!.search(query);
      const used = process.cpuUsage(started);
      times[which]!.push((used.user + used.system) / 1000);
    }
  });
}
console.log(`${flags.plain ? 'BM25F first pass' : 'with the rescoring cascade'}, k = 100, ${queries.length} queries × ${flags.rounds} rounds, CPU ms per query; ${differing} of the first 100 queries differ`);
systems.forEach((system, which) => {
  const sorted = times[which]!.sort((a, b) => a - b);
  const mean = sorted.reduce((sum, value) => sum + value, 0) / sorted.length;
  console.log(`${system.name.padEnd(9)} p50 ${sorted[Math.floor(sorted.length / 2)]!.toFixed(3)}  p99 ${sorted[Math.floor(sorted.length * 0.99)]!.toFixed(3)}  mean ${mean.toFixed(3)}`);
});
