/**
 * Knowledge-base ingest (system S1, issue target: the full 58k-article ingest in ≤ 60 s): the
 * shipped CLI (`bin/hangjia.js`, built from this tree first) in a fresh process per step and
 * round, on a fresh `$HANGJIA_HOME`:
 *
 *   npx tsx bench/ingest.ts [--rounds 3] [--dataset stard-legal]
 *
 * Steps per round: `kb create` (read, decode, chunk, store in SQLite one transaction per file,
 * build and write the lexical index), `kb sync` with nothing changed (the cost of checking), and
 * `kb reindex` (the lexical index alone, from the store). Each step's wall time and peak RSS
 * (`process.resourceUsage().maxRSS`, reported by a preload in the child) are recorded, with the
 * knowledge base's counts and sizes from `kb stats --json`. Medians over rounds, every round kept.
 * After the last round, the knowledge base it built is scored on the dataset's questions with
 * `hangjia eval retrieval <dataset> --kb` (its own search, as users run it).
 * Writes bench/results/ingest.json and the generated bench/results/ingest.md.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { describeCodeVersion, describeMachine } from './machine-info.js';
import { REPOSITORY_ROOT } from './retrieval-config.js';

const { values: flags } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    dataset: { type: 'string', default: 'stard-legal' },
  },
});
const rounds = Number(flags.rounds);
const dataset = flags.dataset!;
const corpus = join(REPOSITORY_ROOT, '..', 'shared', 'datasets', dataset, 'corpus.jsonl');
const RESULTS = join(REPOSITORY_ROOT, 'bench', 'results');
const BIN = join(REPOSITORY_ROOT, 'bin', 'hangjia.js');
const TARGET_CREATE_SECONDS = 60;
const STEPS = ['create', 'sync-unchanged', 'reindex'] as const;
type Step = (typeof STEPS)[number];
const STEP_LABELS: Record<Step, string> = { create: '`kb create`', 'sync-unchanged': '`kb sync` (nothing changed)', reindex: '`kb reindex`' };

interface StepResult {
  step: Step;
  round: number;
  wallSeconds: number;
  peakRssMegabytes: number;
  loadAverage: [number, number];
}

// A preload that reports the CLI process's own peak RSS when it exits.
const preload = join(mkdtempSync(join(tmpdir(), 'hangjia-ingest-')), 'report-rss.mjs');
writeFileSync(preload, "import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => writeFileSync(process.env.HANGJIA_BENCH_RSS_FILE, String(process.resourceUsage().maxRSS)));\n");

function runStep(step: Step, round: number, home: string): StepResult {
  const args = step === 'create' ? ['kb', 'create', 'bench', corpus] : step === 'sync-unchanged' ? ['kb', 'sync', 'bench'] : ['kb', 'reindex', 'bench'];
  const rssFile = join(home, `rss.${step}`);
  const loadBefore = loadavg()[0]!;
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--import', preload, BIN, ...args, '--quiet'], {
    env: { ...process.env, HANGJIA_HOME: home, HANGJIA_BENCH_RSS_FILE: rssFile },
    encoding: 'utf8',
  });
  const wallSeconds = (performance.now() - started) / 1000;
  if (child.status !== 0) throw new Error(`hangjia ${args.join(' ')} failed (${child.status}):\n${child.stderr}`);
  const result: StepResult = {
    step,
    round,
    wallSeconds,
    peakRssMegabytes: Number(readFileSync(rssFile, 'utf8')) / 1024,
    loadAverage: [loadBefore, loadavg()[0]!],
  };
  process.stderr.write(`  round ${round} ${step}: ${wallSeconds.toFixed(2)} s, peak RSS ${result.peakRssMegabytes.toFixed(0)} MB\n`);
  return result;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

process.stderr.write('Building the CLI from this tree (npm run build)…\n');
execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPOSITORY_ROOT, stdio: 'inherit' });

const results: StepResult[] = [];
let stats: Record<string, unknown> = {};
let retrieval: { metrics: Record<string, number>; latencyMs: { p50: number; p99: number } } | undefined;
for (let round = 1; round <= rounds; round++) {
  const home = mkdtempSync(join(tmpdir(), 'hangjia-ingest-home-'));
  try {
    for (const step of STEPS) results.push(runStep(step, round, home));
    stats = JSON.parse(execFileSync(process.execPath, [BIN, 'kb', 'stats', 'bench', '--json'], { env: { ...process.env, HANGJIA_HOME: home }, encoding: 'utf8' })) as Record<string, unknown>;
    if (round === rounds) {
      const datasetFolder = join(REPOSITORY_ROOT, '..', 'shared', 'datasets', dataset);
      const evaluated = execFileSync(process.execPath, [BIN, 'eval', 'retrieval', datasetFolder, '--kb', 'bench', '--json', '--quiet'], { env: { ...process.env, HANGJIA_HOME: home }, encoding: 'utf8' });
      retrieval = JSON.parse(evaluated) as typeof retrieval;
    }
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

const summary = Object.fromEntries(
  STEPS.map((step) => {
    const rows = results.filter((row) => row.step === step);
    return [step, { wallSeconds: median(rows.map((row) => row.wallSeconds)), peakRssMegabytes: median(rows.map((row) => row.peakRssMegabytes)) }];
  }),
) as Record<Step, { wallSeconds: number; peakRssMegabytes: number }>;
const output = {
  command: `npx tsx bench/ingest.ts --rounds ${rounds} --dataset ${dataset}`,
  date: new Date().toISOString(),
  code: describeCodeVersion(),
  machine: describeMachine(),
  dataset,
  counts: { documents: stats['documents'], chunks: stats['chunks'], characters: stats['characters'], databaseBytes: stats['databaseBytes'], indexBytes: stats['indexBytes'] },
  target: { createSeconds: TARGET_CREATE_SECONDS, met: summary.create.wallSeconds <= TARGET_CREATE_SECONDS },
  summary,
  rounds: results,
  retrievalViaKnowledgeBase: retrieval ? { command: `hangjia eval retrieval ../shared/datasets/${dataset} --kb bench`, metrics: retrieval.metrics, latencyMs: retrieval.latencyMs } : null,
};
writeFileSync(join(RESULTS, 'ingest.json'), `${JSON.stringify(output, null, 2)}\n`);

const megabytes = (bytes: unknown): string => (Number(bytes) / 1024 / 1024).toFixed(1);
const raw = (step: Step, pick: (row: StepResult) => number, digits: number): string =>
  results.filter((row) => row.step === step).map((row) => pick(row).toFixed(digits)).join(', ');
const markdown = [
  '# Knowledge-base ingest',
  '',
  `<!-- Generated by \`${output.command}\` from bench/results/ingest.json. Do not edit by hand. -->`,
  '',
  `The shipped CLI on \`../shared/datasets/${dataset}/corpus.jsonl\` (one document per row): ${String(output.counts.documents)} documents, ` +
    `${String(output.counts.chunks)} chunks, ${String(output.counts.characters)} characters; SQLite store ${megabytes(output.counts.databaseBytes)} MB, ` +
    `indexes ${megabytes(output.counts.indexBytes)} MB. Each step in a fresh process; medians over ${rounds} rounds, every round in brackets.`,
  `Machine: ${output.machine.cpuModel}, ${output.machine.cores} cores, Node ${output.machine.node}; commit ${output.code.commit}${output.code.dirty ? ' (uncommitted changes)' : ''}; ${output.date}.`,
  '',
  '| step | wall s | peak RSS MB | load avg (1 min) start→end |',
  '|---|---:|---:|---|',
  ...STEPS.map(
    (step) =>
      `| ${STEP_LABELS[step]} | ${summary[step].wallSeconds.toFixed(2)} [${raw(step, (row) => row.wallSeconds, 2)}] | ` +
      `${summary[step].peakRssMegabytes.toFixed(0)} [${raw(step, (row) => row.peakRssMegabytes, 0)}] | ` +
      results.filter((row) => row.step === step).map((row) => `${row.loadAverage[0].toFixed(1)}→${row.loadAverage[1].toFixed(1)}`).join(', ') +
      ' |',
  ),
  '',
  `Target: \`kb create\` of the whole corpus in ≤ ${TARGET_CREATE_SECONDS} s — ${output.target.met ? 'met' : 'NOT met'} (${summary.create.wallSeconds.toFixed(1)} s, process start included).`,
  '',
  ...(output.retrievalViaKnowledgeBase
    ? [
        `The knowledge base of the last round, searched as users search it (\`${output.retrievalViaKnowledgeBase.command}\`): ` +
          Object.entries(output.retrievalViaKnowledgeBase.metrics).map(([metric, value]) => `${metric} ${value.toFixed(4)}`).join(', ') +
          `; query p50 ${output.retrievalViaKnowledgeBase.latencyMs.p50.toFixed(2)} ms, p99 ${output.retrievalViaKnowledgeBase.latencyMs.p99.toFixed(2)} ms.`,
        '',
      ]
    : []),
].join('\n');
writeFileSync(join(RESULTS, 'ingest.md'), markdown);
rmSync(join(preload, '..'), { recursive: true, force: true });
process.stdout.write(markdown);
