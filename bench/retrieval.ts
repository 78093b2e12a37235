/**
 * The retrieval benchmark: hangjia and its peers on BEIR-style datasets, each system in a fresh
 * process per round. See bench/README.md for flags, configs and how to read the results.
 *
 *   npx tsx bench/retrieval.ts --config retrieval-stard-legal [--verify] [--systems a,b] [--rounds n] [--runs <dir>]
 *   npx tsx bench/retrieval.ts --report        # regenerate bench/results/retrieval.md from the JSON files
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { describeCodeVersion, describeMachine } from './machine-info.js';
import { REPOSITORY_ROOT, loadRetrievalConfig, type RetrievalConfig } from './retrieval-config.js';
import { renderRetrievalReport } from './retrieval-report.js';
import type { RoundMeasurement } from './round-measurement.js';
import { summarizeRounds, type SystemResult } from './system-result.js';
import { SYSTEM_FACTORIES } from './systems/system-registry.js';

const RESULTS_FOLDER = join(REPOSITORY_ROOT, 'bench', 'results');
const WORKER = join(REPOSITORY_ROOT, 'bench', 'retrieval-worker.ts');

const { values } = parseArgs({
  options: {
    config: { type: 'string', multiple: true },
    systems: { type: 'string' },
    rounds: { type: 'string' },
    runs: { type: 'string' },
    verify: { type: 'boolean', default: false },
    report: { type: 'boolean', default: false },
  },
});
const command = ['npx tsx bench/retrieval.ts', ...process.argv.slice(2)].join(' ');
const configNames = (values.config ?? []).flatMap((value) => value.split(','));
if (configNames.length === 0 && !values.report) {
  process.stderr.write('usage: npx tsx bench/retrieval.ts --config <name>[,<name>…] [--verify] [--systems a,b] [--rounds n] [--runs <dir>] | --report\n');
  process.exit(2);
}

let failures = 0;
for (const configName of configNames) {
  const config = loadRetrievalConfig(configName);
  const requested = values.systems?.split(',');
  const unknown = (requested ?? []).filter((name) => !config.systems.some((system) => system.name === name));
  if (unknown.length > 0) {
    process.stderr.write(`error: --systems ${unknown.join(',')} not in ${config.name}; it lists ${config.systems.map((system) => system.name).join(',')}\n`);
    process.exit(2);
  }
  const systems = config.systems.filter((system) => (requested === undefined || requested.includes(system.name)) && system.name in SYSTEM_FACTORIES);
  const rounds = values.rounds === undefined ? config.rounds : Number(values.rounds);
  process.stderr.write(`[${config.name}] dataset ${config.dataset.path} (${config.dataset.queries}, ${config.dataset.qrels}); depth ${config.depth}; warm-up ${config.warmupQueries}; rounds ${rounds}; systems ${systems.map((system) => system.name).join(', ')}\n`);
  const measured = new Map<string, RoundMeasurement[]>();
  for (let round = 1; round <= rounds; round += 1) {
    // Alternate the order between rounds so no system always runs on a cold (or hot) machine.
    const order = round % 2 === 1 ? systems : [...systems].reverse();
    for (const system of order) {
      const measurement = runWorker(configName, config, system.name, values.runs);
      process.stderr.write(`[${config.name}] round ${round}/${rounds} ${system.name}: nDCG@10 ${(measurement.metrics['ndcg@10'] ?? 0).toFixed(4)}, build ${measurement.buildSeconds.toFixed(2)} s, p50 ${measurement.latencyMs.p50.toFixed(2)} ms, ${measurement.queriesPerSecond.toFixed(0)} QPS, peak RSS ${(measurement.peakRssBytes / 1e6).toFixed(0)} MB\n`);
      measured.set(system.name, [...(measured.get(system.name) ?? []), measurement]);
    }
  }
  const context = { config: config.name, dataset: config.dataset.name, command, code: describeCodeVersion(), machine: describeMachine(), date: new Date().toISOString() };
  mkdirSync(RESULTS_FOLDER, { recursive: true });
  const results: SystemResult[] = [];
  for (const system of systems) {
    const result = summarizeRounds(measured.get(system.name) ?? [], {
      ...context,
      parameters: { depth: config.depth, warmupQueries: config.warmupQueries, rounds, maxQueries: system.maxQueries ?? null, capReason: system.capReason ?? null },
    });
    results.push(result);
    writeFileSync(join(RESULTS_FOLDER, `${config.dataset.name}.${system.name}.json`), `${JSON.stringify(result, null, 2)}\n`);
  }
  process.stderr.write(`[${config.name}] done: ${results.length} systems × ${rounds} rounds; results in bench/results/${config.dataset.name}.*.json\n`);
  if (values.verify) failures += verify(configName, config, results);
}

writeReport();
process.exit(failures > 0 ? 1 : 0);

/** `configArgument` is passed on as given (a name or a YAML path), so the worker loads the same file. */
function runWorker(configArgument: string, config: RetrievalConfig, system: string, runsFolder: string | undefined): RoundMeasurement {
  const folder = mkdtempSync(join(tmpdir(), 'hangjia-bench-round-'));
  const output = join(folder, 'round.json');
  const runFile = runsFolder === undefined ? [] : ['--run-file', join(runsFolder, `run.${config.dataset.name}.${system}.txt`)];
  if (runsFolder !== undefined) mkdirSync(runsFolder, { recursive: true });
  const child = spawnSync(process.execPath, ['--import', 'tsx', WORKER, '--config', configArgument, '--system', system, '--output', output, ...runFile], {
    cwd: REPOSITORY_ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  if (child.status !== 0) throw new Error(`worker for ${system} on ${config.name} failed with status ${child.status ?? child.signal}`);
  const measurement = JSON.parse(readFileSync(output, 'utf8')) as RoundMeasurement;
  rmSync(folder, { recursive: true, force: true });
  return measurement;
}

/** Anserini-style check: expected, actual, delta and OK or FAIL per system and metric. */
function verify(configArgument: string, config: RetrievalConfig, results: readonly SystemResult[]): number {
  let failed = 0;
  process.stdout.write(`\n${config.name}: verify against ${configArgument} (tolerance ${config.tolerance})\n`);
  process.stdout.write(`${'system'.padEnd(18)} ${'metric'.padEnd(11)} ${'expected'.padStart(8)} ${'actual'.padStart(8)} ${'delta'.padStart(8)}  status\n`);
  for (const [system, metrics] of Object.entries(config.expected)) {
    const result = results.find((candidate) => candidate.system === system);
    if (result === undefined) continue; // not run in this invocation (--systems)
    for (const [name, expected] of Object.entries(metrics)) {
      const actual = result.metrics[name];
      const delta = actual === undefined ? Number.NaN : actual - expected;
      const ok = Math.abs(delta) <= config.tolerance;
      if (!ok) failed += 1;
      process.stdout.write(`${system.padEnd(18)} ${name.padEnd(11)} ${expected.toFixed(4).padStart(8)} ${(actual ?? Number.NaN).toFixed(4).padStart(8)} ${`${delta >= 0 ? '+' : ''}${delta.toFixed(4)}`.padStart(8)}  ${ok ? 'OK' : 'FAIL'}\n`);
    }
  }
  return failed;
}

function writeReport(): void {
  const results = readdirSync(RESULTS_FOLDER)
    .filter((name) => name.endsWith('.json'))
    .map((name) => JSON.parse(readFileSync(join(RESULTS_FOLDER, name), 'utf8')) as SystemResult)
    .filter((result) => result.schema === 'hangjia.bench.retrieval/1');
  writeFileSync(join(RESULTS_FOLDER, 'retrieval.md'), renderRetrievalReport(results));
}
