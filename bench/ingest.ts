/**
 * Knowledge-base ingest (system S1, issue target: the full 58k-article ingest in ≤ 60 s): the
 * shipped CLI (`bin/hangjia.js`, built from this tree first) in a fresh process per step and
 * round, on a fresh `$HANGJIA_HOME`:
 *
 *   npx tsx bench/ingest.ts [--rounds 3] [--dataset stard-legal] [--baseline ../wt-baseline] [--skip-build]
 *
 * With `--baseline <tree>` (another checkout, its dist/ built), each round runs that tree's CLI
 * too, alternating which goes first, so both are timed under the same load on a shared machine;
 * its rows are reported beside this tree's, not written as this tree's results. CPU seconds (user
 * + system, worker threads included) are recorded beside wall time: they move less with load.
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
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { describeCodeVersion, describeMachine } from './machine-info.js';
import { REPOSITORY_ROOT } from './retrieval-config.js';

const { values: flags } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    dataset: { type: 'string', default: 'stard-legal' },
    baseline: { type: 'string' },
    'skip-build': { type: 'boolean', default: false },
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
  /** `this` tree, or the `--baseline` one. */
  tree: 'this' | 'baseline';
  wallSeconds: number;
  cpuSeconds: number;
  peakRssMegabytes: number;
  loadAverage: [number, number];
}

// A preload that reports the CLI process's own peak RSS when it exits.
const preload = join(mkdtempSync(join(tmpdir(), 'hangjia-ingest-')), 'report-rss.mjs');
writeFileSync(
  preload,
  "import { writeFileSync } from 'node:fs';\nprocess.on('exit', () => { const usage = process.resourceUsage(); writeFileSync(process.env.HANGJIA_BENCH_RSS_FILE, JSON.stringify({ maxRSS: usage.maxRSS, cpuMicroseconds: usage.userCPUTime + usage.systemCPUTime })); });\n",
);
const BASELINE_BIN = flags.baseline ? join(flags.baseline, 'bin', 'hangjia.js') : undefined;
// Results name the baseline relative to this repository: no machine's absolute path in committed files.
const baselineName = flags.baseline ? relative(REPOSITORY_ROOT, resolve(flags.baseline)) : undefined;

function runStep(step: Step, round: number, home: string, tree: StepResult['tree'] = 'this'): StepResult {
  const args = step === 'create' ? ['kb', 'create', 'bench', corpus] : step === 'sync-unchanged' ? ['kb', 'sync', 'bench'] : ['kb', 'reindex', 'bench'];
  const rssFile = join(home, `rss.${step}`);
  const loadBefore = loadavg()[0]!;
  const started = performance.now();
  const child = spawnSync(process.execPath, ['--import', preload, tree === 'this' ? BIN : BASELINE_BIN!, ...args, '--quiet'], {
    env: { ...process.env, HANGJIA_HOME: home, HANGJIA_BENCH_RSS_FILE: rssFile },
    encoding: 'utf8',
  });
  const wallSeconds = (performance.now() - started) / 1000;
  if (child.status !== 0) throw new Error(`hangjia ${args.join(' ')} failed (${child.status}):\n${child.stderr}`);
  const usage = JSON.parse(readFileSync(rssFile, 'utf8')) as { maxRSS: number; cpuMicroseconds: number };
  const result: StepResult = {
    step,
    round,
    tree,
    wallSeconds,
    cpuSeconds: usage.cpuMicroseconds / 1e6,
    peakRssMegabytes: usage.maxRSS / 1024,
    loadAverage: [loadBefore, loadavg()[0]!],
  };
  process.stderr.write(`  round ${round} ${tree} ${step}: ${wallSeconds.toFixed(2)} s, ${result.cpuSeconds.toFixed(1)} CPU s, peak RSS ${result.peakRssMegabytes.toFixed(0)} MB\n`);
  return result;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

if (!flags['skip-build']) {
  process.stderr.write('Building the CLI from this tree (npm run build)…\n');
  execFileSync('npm', ['run', '--silent', 'build'], { cwd: REPOSITORY_ROOT, stdio: 'inherit' });
}

const results: StepResult[] = [];
let stats: Record<string, unknown> = {};
let retrieval: { metrics: Record<string, number>; latencyMs: { p50: number; p99: number } } | undefined;
const baselineResults: StepResult[] = [];
for (let round = 1; round <= rounds; round++) {
  // The baseline runs first in odd rounds, second in even ones: neither always meets the same load.
  if (BASELINE_BIN && round % 2 === 1) baselineResults.push(...runBaselineRound(round));
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
  if (BASELINE_BIN && round % 2 === 0) baselineResults.push(...runBaselineRound(round));
}

function runBaselineRound(round: number): StepResult[] {
  const home = mkdtempSync(join(tmpdir(), 'hangjia-ingest-baseline-home-'));
  try {
    return STEPS.map((step) => runStep(step, round, home, 'baseline'));
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

const summary = Object.fromEntries(
  STEPS.map((step) => {
    const rows = results.filter((row) => row.step === step);
    return [step, summarize(rows)];
  }),
) as Record<Step, StepSummary>;
const baselineSummary = BASELINE_BIN
  ? (Object.fromEntries(STEPS.map((step) => [step, summarize(baselineResults.filter((row) => row.step === step))])) as Record<Step, StepSummary>)
  : undefined;

interface StepSummary {
  wallSeconds: number;
  cpuSeconds: number;
  peakRssMegabytes: number;
}

function summarize(rows: StepResult[]): StepSummary {
  return { wallSeconds: median(rows.map((row) => row.wallSeconds)), cpuSeconds: median(rows.map((row) => row.cpuSeconds)), peakRssMegabytes: median(rows.map((row) => row.peakRssMegabytes)) };
}
const output = {
  command: `npx tsx bench/ingest.ts --rounds ${rounds} --dataset ${dataset}${baselineName ? ` --baseline ${baselineName}` : ''}`,
  date: new Date().toISOString(),
  code: describeCodeVersion(),
  machine: describeMachine(),
  dataset,
  counts: { documents: stats['documents'], chunks: stats['chunks'], characters: stats['characters'], databaseBytes: stats['databaseBytes'], indexBytes: stats['indexBytes'] },
  target: { createSeconds: TARGET_CREATE_SECONDS, met: summary.create.wallSeconds <= TARGET_CREATE_SECONDS },
  summary,
  rounds: results,
  ...(baselineSummary ? { baseline: { tree: baselineName, code: describeCodeVersion(flags.baseline), summary: baselineSummary, rounds: baselineResults } } : {}),
  retrievalViaKnowledgeBase: retrieval ? { command: `hangjia eval retrieval ../shared/datasets/${dataset} --kb bench`, metrics: retrieval.metrics, latencyMs: retrieval.latencyMs } : null,
};
writeFileSync(join(RESULTS, 'ingest.json'), `${JSON.stringify(output, null, 2)}\n`);

const megabytes = (bytes: unknown): string => (Number(bytes) / 1024 / 1024).toFixed(1);
const raw = (step: Step, pick: (row: StepResult) => number, digits: number, rows = results): string =>
  rows.filter((row) => row.step === step).map((row) => pick(row).toFixed(digits)).join(', ');
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
  '| step | tree | wall s | CPU s | peak RSS MB | load avg (1 min) start→end |',
  '|---|---|---:|---:|---:|---|',
  ...STEPS.flatMap((step) =>
    ([['this', summary, results], ...(baselineSummary ? [['baseline', baselineSummary, baselineResults]] : [])] as Array<[string, Record<Step, StepSummary>, StepResult[]]>).map(
      ([tree, table, rows]) =>
        `| ${STEP_LABELS[step]} | ${tree === 'this' ? 'this tree' : `baseline (${baselineName})`} | ${table[step].wallSeconds.toFixed(2)} [${raw(step, (row) => row.wallSeconds, 2, rows)}] | ` +
        `${table[step].cpuSeconds.toFixed(1)} [${raw(step, (row) => row.cpuSeconds, 1, rows)}] | ` +
        `${table[step].peakRssMegabytes.toFixed(0)} [${raw(step, (row) => row.peakRssMegabytes, 0, rows)}] | ` +
        rows.filter((row) => row.step === step).map((row) => `${row.loadAverage[0].toFixed(1)}→${row.loadAverage[1].toFixed(1)}`).join(', ') +
        ' |',
    ),
  ),
  ...(output.baseline ? ['', `Baseline: commit ${output.baseline.code.commit}${output.baseline.code.dirty ? ' (uncommitted changes)' : ''}, the same steps in the same rounds (alternating which tree goes first).`] : []),
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
