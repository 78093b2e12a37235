/**
 * Exam harness overhead (system S10): the whole CMMLU test set (11,582 items) through `runExam`
 * against an instant model, to show the harness never bounds an evaluation.
 *
 *   npx tsx bench/exam-overhead.ts [--rounds 3] [--concurrency 8] [--limit N]
 *
 * Two measurements per round, each in a fresh worker process, alternating which goes first:
 * - `http`: an OpenAI-compatible endpoint on loopback (the scripted test server, answering each
 *   question from the key in microseconds) in its own process, so the wall time includes real
 *   HTTP, JSON and the other process competing for the same cores. Accuracy must be 1.
 * - `instant`: an in-process `LanguageModel` that answers from the key without any I/O, so
 *   wall ÷ items is the harness's own cost per item: prompt building, answer extraction, the
 *   JSONL record write, progress, and the bootstrap statistics at the end.
 * Medians over rounds are reported with every raw round. Writes bench/results/exam-overhead.json
 * and the generated bench/results/exam-overhead.md.
 * The scripted examinee answers from the key of the first item with the prompt's question and
 * option texts; CMMLU has a few verbatim duplicates whose keys name different options, so the expected accuracy is
 * 1 − (those duplicates ÷ items), computed from the data and checked.
 * (`--server` and `--worker <mode>` are the child modes the main run spawns; not for direct use.)
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { readExam, runExam, type ExamItem } from '../src/eval/index.js';
import type { LanguageModel } from '../src/models/index.js';
import { createOpenAICompatibleChatModel } from '../src/providers/index.js';
import { answerFromKey, createKeyLookup, scriptChat } from '../src/eval/exam/__fixtures__/scripted-examinee.js';
import { startScriptedOpenAIServer } from '../test/support/scripted-openai-server.js';
import { describeCodeVersion, describeMachine } from './machine-info.js';
import { REPOSITORY_ROOT } from './retrieval-config.js';

const SCRIPT = fileURLToPath(import.meta.url);
const EXAM = join(REPOSITORY_ROOT, '..', 'shared', 'datasets', 'exams', 'cmmlu', 'test.jsonl');
const RESULTS = join(REPOSITORY_ROOT, 'bench', 'results');
const TARGET_WALL_SECONDS = 60;
const TARGET_OVERHEAD_MS = 1;

const { values: flags } = parseArgs({
  options: {
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '8' },
    limit: { type: 'string' },
    server: { type: 'boolean', default: false },
    worker: { type: 'string' },
    port: { type: 'string' },
  },
});
const concurrency = Number(flags.concurrency);

function loadItems(): ExamItem[] {
  const { items } = readExam(EXAM);
  return flags.limit === undefined ? items : items.slice(0, Number(flags.limit));
}

interface RoundResult {
  mode: 'http' | 'instant';
  round: number;
  items: number;
  questions: number;
  accuracy: number | null;
  wallSeconds: number;
  /** Wall time per item in ms. */
  wallPerItemMs: number;
  /** Sum of per-question model time (request to reply) in ms. */
  modelMsTotal: number;
  /** CPU time (user + system) of the harness process per item, in ms. */
  cpuPerItemMs: number;
  peakRssBytes: number;
}

if (flags.server) {
  await serve();
} else if (flags.worker !== undefined) {
  process.stdout.write(`${JSON.stringify(await measure(flags.worker as 'http' | 'instant'))}\n`);
} else {
  await main();
}

/** Child: the scripted endpoint; the parent asks it to queue one key-answering step per question before each round. */
async function serve(): Promise<void> {
  const items = loadItems();
  const server = await startScriptedOpenAIServer();
  const step = answerFromKey(items);
  process.on('message', (message: { enqueue: number } | 'close') => {
    if (message === 'close') {
      void server.close().then(() => process.exit(0));
      return;
    }
    scriptChat(server, step, message.enqueue);
    process.send!({ queued: message.enqueue });
  });
  process.send!({ port: server.port });
}

/** Worker: one timed run of the whole exam. */
async function measure(mode: 'http' | 'instant', round = Number(process.env.EXAM_BENCH_ROUND ?? 1)): Promise<RoundResult> {
  const items = loadItems();
  let model: LanguageModel;
  if (mode === 'http') {
    model = createOpenAICompatibleChatModel({ baseURL: `http://127.0.0.1:${flags.port}/v1`, model: 'scripted-model', maxRetries: 0 });
  } else {
    const lookup = createKeyLookup(items);
    model = {
      specificationVersion: 'v1',
      provider: 'instant',
      modelId: 'answer-key',
      doGenerate: async (options) => {
        const found = lookup(options.messages.at(-1)!.content);
        return { text: `答案：${found?.letters.join('') ?? ''}`, finishReason: 'stop', usage: { inputTokens: 100, outputTokens: 3 } };
      },
      doStream: () => Promise.reject(new Error('not used')),
    };
  }
  const runDirectory = mkdtempSync(join(tmpdir(), 'hangjia-exam-bench-'));
  try {
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const result = await runExam(items, { model, runDirectory, concurrency });
    const wallMs = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    if (!result.complete) throw new Error(`The run stopped: ${JSON.stringify(result.failure)}`);
    return {
      mode,
      round,
      items: items.length,
      questions: result.summary.questions,
      accuracy: result.summary.overall.accuracy,
      wallSeconds: wallMs / 1000,
      wallPerItemMs: wallMs / items.length,
      modelMsTotal: result.summary.latencyMs.total,
      cpuPerItemMs: (cpu.user + cpu.system) / 1000 / items.length,
      peakRssBytes: process.resourceUsage().maxRSS * 1024,
    };
  } finally {
    rmSync(runDirectory, { recursive: true, force: true });
  }
}

function runWorker(mode: 'http' | 'instant', round: number, port: number): Promise<RoundResult> {
  return new Promise((resolve, reject) => {
    const child = fork(SCRIPT, ['--worker', mode, '--port', String(port), '--concurrency', String(concurrency), ...(flags.limit ? ['--limit', flags.limit] : [])], {
      stdio: ['ignore', 'pipe', 'inherit', 'ipc'],
      env: { ...process.env, EXAM_BENCH_ROUND: String(round) },
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(output.trim().split('\n').at(-1)!) as RoundResult) : reject(new Error(`worker ${mode} exited with ${code}`))));
  });
}

function ask<T>(child: ChildProcess, message: unknown): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (reply) => resolve(reply as T));
    if (message !== undefined) child.send(message as object);
  });
}

async function main(): Promise<void> {
  const rounds = Number(flags.rounds);
  const command = `npx tsx bench/exam-overhead.ts --rounds ${rounds} --concurrency ${concurrency}${flags.limit ? ` --limit ${flags.limit}` : ''}`;
  const items = loadItems().length;
  const conflicting = conflictingDuplicates(loadItems());
  const expectedAccuracy = 1 - conflicting.length / items;
  console.error(`[exam-overhead] ${command}: ${items} items of ${EXAM}`);
  const server = fork(SCRIPT, ['--server', ...(flags.limit ? ['--limit', flags.limit] : [])], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const { port } = await ask<{ port: number }>(server, undefined);
  const results: RoundResult[] = [];
  try {
    for (let round = 1; round <= rounds; round += 1) {
      const order: ('http' | 'instant')[] = round % 2 === 1 ? ['http', 'instant'] : ['instant', 'http'];
      for (const mode of order) {
        if (mode === 'http') await ask(server, { enqueue: items });
        const result = await runWorker(mode, round, port);
        console.error(`[exam-overhead] round ${round} ${mode}: ${result.wallSeconds.toFixed(2)} s wall, ${result.wallPerItemMs.toFixed(3)} ms/item, accuracy ${result.accuracy}`);
        results.push(result);
      }
    }
  } finally {
    server.send('close');
  }
  const median = (values: number[]): number => {
    const sorted = [...values].sort((left, right) => left - right);
    const middle = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
  };
  const of = (mode: string) => results.filter((result) => result.mode === mode);
  const http = of('http');
  const instant = of('instant');
  const summary = {
    httpWallSeconds: median(http.map((result) => result.wallSeconds)),
    httpWallPerItemMs: median(http.map((result) => result.wallPerItemMs)),
    httpClientCpuPerItemMs: median(http.map((result) => result.cpuPerItemMs)),
    httpAccuracy: http[0]?.accuracy ?? null,
    harnessOverheadPerItemMs: median(instant.map((result) => result.wallPerItemMs)),
    harnessCpuPerItemMs: median(instant.map((result) => result.cpuPerItemMs)),
    instantAccuracy: instant[0]?.accuracy ?? null,
  };
  const report = {
    benchmark: 'exam-overhead',
    command,
    date: new Date().toISOString(),
    machine: describeMachine(),
    code: describeCodeVersion(),
    exam: { path: 'shared/datasets/exams/cmmlu/test.jsonl', items, conflictingDuplicates: conflicting, expectedAccuracy },
    settings: { concurrency, rounds, shots: 0, circular: false, template: 'auto', resamples: 1000 },
    targets: { wallSeconds: TARGET_WALL_SECONDS, overheadPerItemMs: TARGET_OVERHEAD_MS },
    verdict: {
      accuracy: summary.httpAccuracy === expectedAccuracy && summary.instantAccuracy === expectedAccuracy ? 'OK' : 'FAIL',
      wall: summary.httpWallSeconds <= TARGET_WALL_SECONDS ? 'OK' : 'FAIL', overhead: summary.harnessOverheadPerItemMs <= TARGET_OVERHEAD_MS ? 'OK' : 'FAIL' },
    summary,
    rounds: results,
  };
  writeFileSync(join(RESULTS, 'exam-overhead.json'), `${JSON.stringify(report, null, 2)}\n`);
  writeFileSync(join(RESULTS, 'exam-overhead.md'), renderMarkdown(report));
  console.error(`[exam-overhead] wall ${summary.httpWallSeconds.toFixed(2)} s (target ≤ ${TARGET_WALL_SECONDS}: ${report.verdict.wall}); overhead ${summary.harnessOverheadPerItemMs.toFixed(3)} ms/item (target ≤ ${TARGET_OVERHEAD_MS}: ${report.verdict.overhead})`);
}

/** Items whose question and option texts (in any order) repeat an earlier item's, with a different key text. */
function conflictingDuplicates(items: readonly ExamItem[]): string[] {
  const first = new Map<string, ExamItem>();
  const conflicting: string[] = [];
  for (const item of items) {
    const key = JSON.stringify([item.question.trim(), Object.values(item.choices).sort()]);
    const keyTexts = (of: ExamItem): string => JSON.stringify(of.answer.map((letter) => of.choices[letter]).sort());
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, item);
    else if (keyTexts(earlier) !== keyTexts(item)) conflicting.push(item.id);
  }
  return conflicting;
}

function renderMarkdown(report: {
  command: string;
  date: string;
  machine: ReturnType<typeof describeMachine>;
  code: ReturnType<typeof describeCodeVersion>;
  exam: { items: number; conflictingDuplicates: string[]; expectedAccuracy: number };
  settings: { concurrency: number; rounds: number };
  verdict: { accuracy: string; wall: string; overhead: string };
  summary: Record<string, number | null>;
  rounds: RoundResult[];
}): string {
  const { machine, code, summary } = report;
  const fixed = (value: number | null | undefined, digits: number): string => (value === null || value === undefined ? '—' : value.toFixed(digits));
  const lines = [
    '<!-- Generated by bench/exam-overhead.ts from bench/results/exam-overhead.json; do not edit by hand. -->',
    '# Exam harness overhead (S10) on CMMLU test',
    '',
    '```sh',
    report.command,
    '```',
    '',
    `Machine: ${machine.cpuModel}, ${machine.cores} cores, ${Math.round(machine.memoryBytes / 2 ** 30)} GiB, ${machine.platform}, Node ${machine.node}. Date: ${report.date}. Commit: ${code.commit}${code.dirty ? ' (with uncommitted changes)' : ''}.`,
    '',
    `All ${report.exam.items} items, zero-shot, concurrency ${report.settings.concurrency}, median of ${report.settings.rounds} round(s), each mode in a fresh process, order alternating. ` +
      '**http**: `runExam` against the scripted OpenAI-compatible server on 127.0.0.1 in a second process, answering every question from the key; the wall time includes HTTP and the server sharing the cores. ' +
      '**instant**: an in-process model answering from the key with no I/O, so wall ÷ items is the harness alone (prompt, extraction, JSONL record, progress, bootstrap CIs with 1,000 resamples).',
    '',
    '| measure | value | target | verdict |',
    '|---|---|---|---|',
    `| http: wall time for the whole set | ${fixed(summary.httpWallSeconds, 2)} s | ≤ ${TARGET_WALL_SECONDS} s | ${report.verdict.wall} |`,
    `| http: wall per item | ${fixed(summary.httpWallPerItemMs, 3)} ms | | |`,
    `| http: harness-process CPU per item (client, JSON, HTTP) | ${fixed(summary.httpClientCpuPerItemMs, 3)} ms | | |`,
    `| http: accuracy | ${fixed(summary.httpAccuracy, 6)} | ${fixed(report.exam.expectedAccuracy, 6)} | ${report.verdict.accuracy} |`,
    `| instant: harness overhead per item beyond model time | ${fixed(summary.harnessOverheadPerItemMs, 4)} ms | ≤ ${TARGET_OVERHEAD_MS} ms | ${report.verdict.overhead} |`,
    `| instant: accuracy | ${fixed(summary.instantAccuracy, 6)} | ${fixed(report.exam.expectedAccuracy, 6)} | ${report.verdict.accuracy} |`,
    '',
    `The expected accuracy is not 1: ${report.exam.conflictingDuplicates.length} CMMLU test items (${report.exam.conflictingDuplicates.join(', ')}) repeat an earlier item's question and option texts word for word (options possibly reordered) with a different correct option, and an examinee that sees only the prompt (as the scripted one does) cannot answer both. Every other item is answered right, through prompt, HTTP, extraction and scoring.`,
    '',
    'Raw rounds:',
    '',
    '| round | mode | wall s | ms/item | CPU ms/item | model ms (sum) | accuracy | peak RSS MiB |',
    '|---|---|---|---|---|---|---|---|',
    ...report.rounds.map((round) => `| ${round.round} | ${round.mode} | ${round.wallSeconds.toFixed(2)} | ${round.wallPerItemMs.toFixed(3)} | ${round.cpuPerItemMs.toFixed(3)} | ${round.modelMsTotal.toFixed(0)} | ${fixed(round.accuracy, 4)} | ${Math.round(round.peakRssBytes / 2 ** 20)} |`),
    '',
  ];
  return lines.join('\n');
}
