/**
 * Few-shot example selection benchmark (system S3): leave-one-out hit rate on STARD and selection
 * latency on a 100k-example pool, each selector timed in its own process.
 *
 *   npx tsx bench/few-shot.ts [--config few-shot-stard-legal] [--verify] [--rounds n]
 *
 * Writes bench/results/few-shot.json and the generated bench/results/few-shot.md.
 * (`--worker <selector>` is the per-process latency mode the main run spawns; not for direct use.)
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { parse } from 'yaml';
import { createAnalyzer } from '../src/analysis/index.js';
import { createExamplePool, createExampleSelector, readExamplePool, type Example } from '../src/examples/index.js';
import { describeCodeVersion, describeMachine } from './machine-info.js';
import { REPOSITORY_ROOT } from './retrieval-config.js';

/** `bench/configs/few-shot-*.yaml`; every key is commented in the file. */
interface FewShotConfig {
  name: string;
  dataset: { name: string; path: string; pool: string; inputField: string; outputField: string };
  k: number;
  selectors: string[];
  skippedSelectors: Record<string, string>;
  randomSeed: number;
  latency: { poolSize: number; warmupQueries: number; rounds: number; targetP50Ms: number };
  tolerance: number;
  expected: { hitRate: Record<string, number> };
}

interface LatencyRound {
  selector: string;
  round: number;
  poolSize: number;
  buildSeconds: number;
  timedSelections: number;
  latencyMs: { p50: number; p99: number; mean: number };
  peakRssBytes: number;
}

const SCRIPT = fileURLToPath(import.meta.url);
const RESULTS = join(REPOSITORY_ROOT, 'bench', 'results');

const { values: flags } = parseArgs({
  options: {
    config: { type: 'string', default: 'few-shot-stard-legal' },
    verify: { type: 'boolean', default: false },
    rounds: { type: 'string' },
    worker: { type: 'string' },
    round: { type: 'string', default: '1' },
  },
});
const config = loadConfig(flags.config!);
const poolPath = resolve(REPOSITORY_ROOT, config.dataset.path, config.dataset.pool);

if (flags.worker !== undefined) {
  process.stdout.write(`${JSON.stringify(await measureLatency(flags.worker, Number(flags.round)))}\n`);
} else {
  await main();
}

async function main(): Promise<void> {
  const command = `npx tsx bench/few-shot.ts --config ${config.name}${flags.rounds ? ` --rounds ${flags.rounds}` : ''}`;
  console.error(`[few-shot] ${command}: pool ${poolPath}, k=${config.k}, selectors ${config.selectors.join(', ')}`);
  const { examples, skipped } = readPool();
  console.error(`[few-shot] ${examples.length} examples read, ${skipped.length} lines skipped`);
  const pool = await createExamplePool(examples, { analyzer: createAnalyzer() });
  const evidence = new Map(examples.map((example) => [example.id, evidenceOf(example)]));

  const quality: Record<string, { hitRate: number; hits: number; questions: number; meanSelected: number }> = {};
  for (const name of config.selectors) {
    const selector = createExampleSelector(pool, name, { seed: config.randomSeed });
    let hits = 0;
    let selectedTotal = 0;
    for (const example of examples) {
      const own = evidence.get(example.id)!;
      const selected = await selector.select(example.input, { k: config.k, exclude: (id) => id === example.id });
      selectedTotal += selected.length;
      if (selected.some((item) => [...evidence.get(item.example.id)!].some((documentId) => own.has(documentId)))) hits += 1;
    }
    quality[name] = { hitRate: hits / examples.length, hits, questions: examples.length, meanSelected: selectedTotal / examples.length };
    console.error(`[few-shot] ${name}: hit rate ${(hits / examples.length).toFixed(4)} (${hits}/${examples.length})`);
  }

  const rounds = flags.rounds === undefined ? config.latency.rounds : Number(flags.rounds);
  const latency: LatencyRound[] = [];
  for (let round = 1; round <= rounds; round += 1) {
    const order = round % 2 === 1 ? config.selectors : [...config.selectors].reverse();
    for (const name of order) {
      const child = spawnSync(process.execPath, ['--import', 'tsx', SCRIPT, '--config', config.name, '--worker', name, '--round', String(round)], {
        cwd: REPOSITORY_ROOT,
        encoding: 'utf8',
        maxBuffer: 1 << 24,
      });
      if (child.status !== 0) throw new Error(`Latency worker for ${name} failed (exit ${child.status}):\n${child.stderr}`);
      const measured = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as LatencyRound;
      latency.push(measured);
      console.error(`[few-shot] ${name} round ${round}: p50 ${measured.latencyMs.p50.toFixed(2)} ms, p99 ${measured.latencyMs.p99.toFixed(2)} ms on ${measured.poolSize} examples`);
    }
  }

  const result = {
    command,
    config: config.name,
    date: new Date().toISOString(),
    code: describeCodeVersion(),
    machine: describeMachine(),
    dataset: { name: config.dataset.name, pool: config.dataset.pool, examples: examples.length, skippedLines: skipped.map(({ line, reason }) => ({ line, reason })) },
    k: config.k,
    quality,
    skippedSelectors: config.skippedSelectors,
    latency: summarizeLatency(latency),
    latencyRounds: latency,
  };
  writeFileSync(join(RESULTS, 'few-shot.json'), `${JSON.stringify(result, null, 2)}\n`);
  writeFileSync(join(RESULTS, 'few-shot.md'), renderReport(result));
  console.error(`[few-shot] wrote bench/results/few-shot.json and few-shot.md`);
  if (flags.verify && !verify(quality)) process.exitCode = 1;
}

/** One process, one selector: build the 100k pool, warm up, time one selection per question. */
async function measureLatency(name: string, round: number): Promise<LatencyRound> {
  const { examples } = readPool();
  const grown = growPool(examples, config.latency.poolSize);
  const started = performance.now();
  const pool = await createExamplePool(grown, { analyzer: createAnalyzer() });
  const buildSeconds = (performance.now() - started) / 1000;
  const selector = createExampleSelector(pool, name, { seed: config.randomSeed });
  const inputs = examples.map((example) => example.input);
  for (const input of inputs.slice(0, config.latency.warmupQueries)) await selector.select(input, { k: config.k });
  const timings: number[] = [];
  for (const input of inputs) {
    const start = performance.now();
    await selector.select(input, { k: config.k });
    timings.push(performance.now() - start);
  }
  const sorted = [...timings].sort((left, right) => left - right);
  /** Nearest-rank percentile: the smallest latency with at least p% of selections at or below it. */
  const percentile = (p: number): number => sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  return {
    selector: name,
    round,
    poolSize: grown.length,
    buildSeconds,
    timedSelections: timings.length,
    latencyMs: { p50: percentile(50), p99: percentile(99), mean: timings.reduce((sum, value) => sum + value, 0) / timings.length },
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
  };
}

/**
 * The pool, then copies of it with one character deleted and one (taken from another question)
 * inserted at seeded positions, until `size` examples. Deterministic: an LCG with a fixed seed.
 */
function growPool(examples: readonly Example[], size: number): Example[] {
  let state = 20240601;
  const next = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 4294967296;
  };
  const grown = [...examples];
  for (let copy = 1; grown.length < size; copy += 1) {
    for (const example of examples) {
      if (grown.length >= size) break;
      const characters = Array.from(example.input);
      characters.splice(Math.floor(next() * characters.length), 1);
      const donor = Array.from(examples[Math.floor(next() * examples.length)]!.input);
      characters.splice(Math.floor(next() * (characters.length + 1)), 0, donor[Math.floor(next() * donor.length)] ?? '');
      grown.push({ ...example, id: `${example.id}~${copy}`, input: characters.join('') });
    }
  }
  return grown;
}

function readPool(): ReturnType<typeof readExamplePool> {
  return readExamplePool(poolPath, { inputField: config.dataset.inputField, outputField: config.dataset.outputField, onMalformed: 'skip' });
}

function evidenceOf(example: Example): Set<string> {
  const evidence = (example.metadata.evidence ?? []) as Array<{ doc_id?: string }>;
  return new Set(evidence.map((item) => item.doc_id ?? '').filter((documentId) => documentId !== ''));
}

function summarizeLatency(rounds: readonly LatencyRound[]): Record<string, { p50Ms: number; p99Ms: number; buildSeconds: number; peakRssBytes: number }> {
  const median = (values: number[]): number => {
    const sorted = [...values].sort((left, right) => left - right);
    const middle = sorted.length >> 1;
    return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  };
  const summary: Record<string, { p50Ms: number; p99Ms: number; buildSeconds: number; peakRssBytes: number }> = {};
  for (const name of new Set(rounds.map((round) => round.selector))) {
    const own = rounds.filter((round) => round.selector === name);
    summary[name] = {
      p50Ms: median(own.map((round) => round.latencyMs.p50)),
      p99Ms: median(own.map((round) => round.latencyMs.p99)),
      buildSeconds: median(own.map((round) => round.buildSeconds)),
      peakRssBytes: median(own.map((round) => round.peakRssBytes)),
    };
  }
  return summary;
}

function verify(quality: Record<string, { hitRate: number }>): boolean {
  let passed = true;
  console.log(`selector  expected  actual  delta  (tolerance ${config.tolerance})`);
  for (const [name, expected] of Object.entries(config.expected.hitRate)) {
    const actual = quality[name]?.hitRate ?? Number.NaN;
    const delta = actual - expected;
    const ok = Math.abs(delta) <= config.tolerance;
    passed &&= ok;
    console.log(`${name.padEnd(9)} ${expected.toFixed(4)}    ${actual.toFixed(4)}  ${delta >= 0 ? '+' : ''}${delta.toFixed(4)}  ${ok ? 'OK' : 'FAIL'}`);
  }
  return passed;
}

function renderReport(result: {
  command: string;
  date: string;
  code: { commit: string; dirty: boolean };
  machine: ReturnType<typeof describeMachine>;
  dataset: { name: string; examples: number; skippedLines: unknown[] };
  k: number;
  quality: Record<string, { hitRate: number; hits: number; questions: number; meanSelected: number }>;
  skippedSelectors: Record<string, string>;
  latency: ReturnType<typeof summarizeLatency>;
  latencyRounds: LatencyRound[];
}): string {
  const { machine, code } = result;
  const poolSize = result.latencyRounds[0]?.poolSize ?? config.latency.poolSize;
  const lines = [
    '<!-- Generated by bench/few-shot.ts from bench/results/few-shot.json; do not edit by hand. -->',
    '# Few-shot example selection (S3) on STARD',
    '',
    '```sh',
    result.command,
    '```',
    '',
    `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${(machine.memoryBytes / 2 ** 30).toFixed(0)} GiB, ${machine.platform}, Node ${machine.node}. ` +
      `Date: ${result.date}. Commit: ${code.commit}${code.dirty ? ' (with uncommitted changes)' : ''}.`,
    '',
    `**Hit rate**: leave-one-out over ${result.dataset.examples} questions of \`${config.dataset.pool}\` (${result.dataset.skippedLines.length} malformed line skipped); ` +
      `for each question, ${result.k} examples are selected from the other questions, and it is a hit when one of them cites a statute article (evidence \`doc_id\`) the question cites. ` +
      `**Latency**: one selection (k = ${result.k}) per question against a ${poolSize.toLocaleString('en-US')}-example pool (the questions replicated with one character deleted and one inserted per copy), ` +
      `after ${config.latency.warmupQueries} warm-up selections, each selector in a fresh process; nearest-rank percentiles, median over ${config.latency.rounds} round(s). Target p50 ≤ ${config.latency.targetP50Ms} ms.`,
    '',
    `| selector | hit rate@${result.k} | hits | mean selected | p50 ms | p99 ms | pool build s | peak RSS MiB |`,
    '|---|---|---|---|---|---|---|---|',
  ];
  for (const [name, quality] of Object.entries(result.quality)) {
    const latency = result.latency[name];
    lines.push(
      `| ${name} | ${quality.hitRate.toFixed(4)} | ${quality.hits}/${quality.questions} | ${quality.meanSelected.toFixed(2)} | ` +
        `${latency ? latency.p50Ms.toFixed(2) : '—'} | ${latency ? latency.p99Ms.toFixed(2) : '—'} | ${latency ? latency.buildSeconds.toFixed(1) : '—'} | ${latency ? (latency.peakRssBytes / 2 ** 20).toFixed(0) : '—'} |`,
    );
  }
  for (const [name, reason] of Object.entries(result.skippedSelectors)) lines.push(`| ${name} | skipped: ${reason} | | | | | | |`);
  lines.push('', 'Selectors: `jaccard` token IoU on analyzer terms; `bm25` the BM25F index with pseudo-relevance feedback; `ngram` IoU of character 2- and 3-gram sets; `mmr` BM25 relevance with Jaccard diversity, λ = 0.7 over 20 candidates; `random` seeded baseline.', '');
  return `${lines.join('\n')}\n`;
}

function loadConfig(name: string): FewShotConfig {
  const path = name.endsWith('.yaml') ? resolve(name) : join(REPOSITORY_ROOT, 'bench', 'configs', `${name}.yaml`);
  return parse(readFileSync(path, 'utf8')) as FewShotConfig;
}
