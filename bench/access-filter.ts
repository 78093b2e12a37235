/**
 * The cost of per-document access control inside retrieval, on stard-legal:
 *
 *   npx tsx bench/access-filter.ts [--rounds 3] [--k 10]
 *
 * The corpus is split into two files of a temporary source folder, every other row each:
 * `public/corpus.jsonl` and `restricted/corpus.jsonl`, which a `.hangjia-access.yaml` gives the
 * group `legal-team`. One knowledge base (lexical, the shipped defaults) is built from it, then
 * every query is searched in-process under three callers, in an order that rotates per round:
 * `unrestricted` (no filter: the CLI, an admin), `member` (holds `legal-team`: the filter runs and
 * lets everything through) and `outsider` (no groups: half of the documents are not candidates).
 * Reported per caller: latency p50/p99 over every query of every round, the queries that came back
 * with fewer than k hits (the filter runs before top-k, so this should be only those that had
 * fewer than k unfiltered), and restricted hits seen by the outsider (must be 0).
 * Writes bench/results/access-filter.json and the generated bench/results/access-filter.md.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, sep } from 'node:path';
import { parseArgs } from 'node:util';
import type { AccessFilter } from '../src/access/index.js';
import { DEFAULT_CONFIG } from '../src/config/index.js';
import { createKnowledgeBase } from '../src/knowledge-base/index.js';
import { createDefaultComponents } from '../src/presets/index.js';
import { describeCodeVersion, describeMachine } from './machine-info.js';
import { REPOSITORY_ROOT } from './retrieval-config.js';

const { values: flags } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, k: { type: 'string', default: '10' } } });
const rounds = Number(flags.rounds);
const k = Number(flags.k);
const datasetFolder = join(REPOSITORY_ROOT, '..', 'shared', 'datasets', 'stard-legal');
const RESULTS = join(REPOSITORY_ROOT, 'bench', 'results');
const CALLERS: Record<string, AccessFilter | undefined> = { unrestricted: undefined, member: { groups: ['legal-team'] }, outsider: { groups: [] } };
const CALLER_NAMES = Object.keys(CALLERS);

const rows = readFileSync(join(datasetFolder, 'corpus.jsonl'), 'utf8').split('\n').filter((line) => line.trim() !== '');
const queries = readFileSync(join(datasetFolder, 'queries.jsonl'), 'utf8')
  .split('\n')
  .filter((line) => line.trim() !== '')
  .map((line) => (JSON.parse(line) as { text: string }).text);

const source = mkdtempSync(join(tmpdir(), 'hangjia-access-source-'));
const home = mkdtempSync(join(tmpdir(), 'hangjia-access-home-'));
mkdirSync(join(source, 'public'));
mkdirSync(join(source, 'restricted'));
writeFileSync(join(source, 'public', 'corpus.jsonl'), `${rows.filter((_, index) => index % 2 === 0).join('\n')}\n`);
writeFileSync(join(source, 'restricted', 'corpus.jsonl'), `${rows.filter((_, index) => index % 2 === 1).join('\n')}\n`);
writeFileSync(join(source, '.hangjia-access.yaml'), '"restricted/**": [legal-team]\n');

const config = { ...DEFAULT_CONFIG, embedding: { provider: 'none' as const } };
const kb = createKnowledgeBase(
  { home, name: 'access-bench', settings: { sources: [source], include: [], exclude: [], maxFileBytes: 1e9, chunking: config.chunking } },
  createDefaultComponents(config),
);
process.stderr.write(`Building the knowledge base from ${rows.length} rows…\n`);
const buildStarted = performance.now();
await kb.sync();
const buildSeconds = (performance.now() - buildStarted) / 1000;
const stats = kb.stats();
const outsiderStats = kb.stats({ access: CALLERS['outsider'] });

// Warm-up: loads the indexes and builds the access map once, outside the measurements.
for (const caller of CALLER_NAMES) for (const query of queries.slice(0, 50)) await kb.search(query, { k, access: CALLERS[caller] });

const timings = new Map<string, number[]>(CALLER_NAMES.map((caller) => [caller, []]));
const shortResults = new Map<string, number>(CALLER_NAMES.map((caller) => [caller, 0]));
let restrictedSeenByOutsider = 0;
const restrictedFolder = `${sep}restricted${sep}`;
const loadByRound: Array<[number, number]> = [];
for (let round = 0; round < rounds; round++) {
  const order = CALLER_NAMES.map((_, index) => CALLER_NAMES[(index + round) % CALLER_NAMES.length]!);
  const loadBefore = loadavg()[0]!;
  for (const caller of order) {
    for (const query of queries) {
      const started = performance.now();
      const { hits } = await kb.search(query, { k, access: CALLERS[caller] });
      timings.get(caller)!.push(performance.now() - started);
      if (round === 0) {
        if (hits.length < k) shortResults.set(caller, shortResults.get(caller)! + 1);
        if (caller === 'outsider') restrictedSeenByOutsider += hits.filter((hit) => hit.documentPath.includes(restrictedFolder)).length;
      }
    }
  }
  loadByRound.push([loadBefore, loadavg()[0]!]);
  process.stderr.write(`  round ${round + 1}: ${order.join(' → ')}\n`);
}
kb.close();
rmSync(source, { recursive: true, force: true });
rmSync(home, { recursive: true, force: true });

function percentile(values: number[], fraction: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(fraction * sorted.length))]!;
}

const summary = Object.fromEntries(
  CALLER_NAMES.map((caller) => {
    const values = timings.get(caller)!;
    return [caller, { p50Ms: percentile(values, 0.5), p99Ms: percentile(values, 0.99), meanMs: values.reduce((sum, value) => sum + value, 0) / values.length, fewerThanK: shortResults.get(caller)! }];
  }),
) as Record<string, { p50Ms: number; p99Ms: number; meanMs: number; fewerThanK: number }>;
const output = {
  command: `npx tsx bench/access-filter.ts --rounds ${rounds} --k ${k}`,
  date: new Date().toISOString(),
  code: describeCodeVersion(),
  machine: describeMachine(),
  corpus: { dataset: 'stard-legal', documents: stats.documents, chunks: stats.chunks, outsiderDocuments: outsiderStats.documents, outsiderChunks: outsiderStats.chunks, queries: queries.length },
  buildSeconds,
  k,
  rounds,
  loadAverageByRound: loadByRound,
  summary,
  restrictedHitsSeenByOutsider: restrictedSeenByOutsider,
};
writeFileSync(join(RESULTS, 'access-filter.json'), `${JSON.stringify(output, null, 2)}\n`);

const markdown = [
  '# Access filter inside retrieval',
  '',
  `<!-- Generated by \`${output.command}\` from bench/results/access-filter.json. Do not edit by hand. -->`,
  '',
  `stard-legal split into a public and a restricted half (group \`legal-team\`): ${output.corpus.documents} documents, ${output.corpus.chunks} chunks, ` +
    `of which an outsider may read ${output.corpus.outsiderDocuments} documents (${output.corpus.outsiderChunks} chunks). ` +
    `${output.corpus.queries} queries × ${rounds} rounds per caller, k = ${k}, lexical search in-process, callers in rotating order.`,
  `Machine: ${output.machine.cpuModel}, ${output.machine.cores} cores (shared), Node ${output.machine.node}; commit ${output.code.commit}${output.code.dirty ? ' (uncommitted changes)' : ''}; ${output.date}; ` +
    `load average per round ${loadByRound.map(([start, end]) => `${start.toFixed(1)}→${end.toFixed(1)}`).join(', ')}.`,
  '',
  '| caller | filter | p50 ms | p99 ms | mean ms | queries with < k hits |',
  '|---|---|---:|---:|---:|---:|',
  ...CALLER_NAMES.map((caller) => {
    const row = summary[caller]!;
    const filter = CALLERS[caller] === undefined ? 'none' : JSON.stringify(CALLERS[caller]!.groups);
    return `| ${caller} | ${filter} | ${row.p50Ms.toFixed(2)} | ${row.p99Ms.toFixed(2)} | ${row.meanMs.toFixed(2)} | ${row.fewerThanK} |`;
  }),
  '',
  `Restricted hits returned to the outsider: ${restrictedSeenByOutsider} (must be 0). Build (ingest + index): ${buildSeconds.toFixed(1)} s.`,
  '',
].join('\n');
writeFileSync(join(RESULTS, 'access-filter.md'), markdown);
process.stdout.write(markdown);
