/**
 * One system on one dataset, one round, in its own process: build, measure size, warm up, time
 * every query, score the run. Started by `bench/retrieval.ts`; writes one JSON object to the
 * `--output` path. Run by hand to debug a single system:
 *
 *   npx tsx bench/retrieval-worker.ts --config retrieval-pubmedqa --system bigram-bm25 --output round.json
 */
import { writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { evaluateRun, readBeirDataset, writeTrecRun, type Qrels, type Run } from '../src/eval/index.js';
import { datasetFolder, loadRetrievalConfig } from './retrieval-config.js';
import type { RoundMeasurement } from './round-measurement.js';
import { SYSTEM_FACTORIES } from './systems/system-registry.js';

const loadAverageAtStart = loadavg()[0] ?? 0;
const { values } = parseArgs({
  options: {
    config: { type: 'string' },
    system: { type: 'string' },
    output: { type: 'string' },
    'run-file': { type: 'string' },
  },
});
if (values.config === undefined || values.system === undefined || values.output === undefined) {
  throw new Error('usage: retrieval-worker.ts --config <name> --system <name> --output <file> [--run-file <path>]');
}
const config = loadRetrievalConfig(values.config);
const entry = config.systems.find((system) => system.name === values.system);
const factory = SYSTEM_FACTORIES[values.system];
if (entry === undefined || factory === undefined) throw new Error(`system ${values.system} is not in config ${config.name} or not registered`);

const dataset = readBeirDataset(datasetFolder(config), { queriesPath: config.dataset.queries, qrelsPath: config.dataset.qrels });
const judged = dataset.queries.filter((query) => dataset.qrels.has(query.id));
const queries = judged.slice(0, entry.maxQueries ?? judged.length);
const qrels: Qrels = new Map(queries.map((query) => [query.id, dataset.qrels.get(query.id) as Map<string, number>]));
const rssAfterLoadBytes = process.memoryUsage().rss;

const system = await factory();
/** Progress goes to stderr (the orchestrator passes it through); results go to the --output file. */
const log = (message: string): void => {
  process.stderr.write(`  [${system.name}] ${message}\n`);
};
log(`${dataset.corpus.length} documents, ${queries.length} of ${judged.length} judged queries, depth ${config.depth}, warm-up ${config.warmupQueries}`);
const buildStart = performance.now();
const index = await system.build(dataset.corpus);
const buildSeconds = (performance.now() - buildStart) / 1000;
log(`built in ${buildSeconds.toFixed(2)} s`);
const indexSize = await index.measureSize();

for (const query of queries.slice(0, config.warmupQueries)) await index.search(query.text, config.depth);

const run: Run = new Map();
const latencies: number[] = [];
const passStart = performance.now();
for (const query of queries) {
  const start = performance.now();
  const results = await index.search(query.text, config.depth);
  latencies.push(performance.now() - start);
  run.set(query.id, results);
  if (run.size % Math.max(1, Math.ceil(queries.length / 4)) === 0) {
    log(`${run.size}/${queries.length} queries (${Math.round((100 * run.size) / queries.length)}%), ${((performance.now() - passStart) / 1000).toFixed(1)} s`);
  }
}
const passSeconds = (performance.now() - passStart) / 1000;
index.close?.();

const evaluation = evaluateRun(run, qrels, { metrics: config.metrics });
if (values['run-file'] !== undefined) writeTrecRun(values['run-file'], run, { tag: `${config.dataset.name}.${system.name}`, depth: config.depth });

const sorted = [...latencies].sort((left, right) => left - right);
/** Nearest-rank percentile: the smallest latency with at least p% of queries at or below it. */
const percentile = (p: number): number => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
const measurement: RoundMeasurement = {
  system: system.name,
  description: system.description,
  metrics: evaluation.mean,
  evaluatedQueries: evaluation.evaluatedQueries,
  skippedQueries: evaluation.skippedQueries,
  unretrievedQueries: evaluation.unretrievedQueries,
  judgedQueries: judged.length,
  timedQueries: queries.length,
  corpusDocuments: dataset.corpus.length,
  buildSeconds,
  indexSize,
  latencyMs: { p50: percentile(50), p99: percentile(99) },
  queriesPerSecond: queries.length / passSeconds,
  // maxRSS is in kibibytes (getrusage); it is this process's peak, dataset included.
  peakRssBytes: process.resourceUsage().maxRSS * 1024,
  rssAfterLoadBytes,
  loadAverage: { start: loadAverageAtStart, end: loadavg()[0] ?? 0 },
};
writeFileSync(values.output, JSON.stringify(measurement));
