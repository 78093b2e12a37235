/**
 * The long run of the source-adapter fuzz suite (the test suite runs 200 small cases per target):
 *
 *   npx tsx bench/fuzz.ts [--runs 1000] [--seed 2026] [--targets txt-utf8,html,…]
 *
 * Every target (txt in UTF-8/UTF-16 LE/UTF-16 BE/GBK, md, html, pdf, docx, csv, jsonl) gets
 * `--runs` inputs drawn by fast-check from `test/support/source-fuzz.ts` with the large sizes
 * below (nesting to 100,000 levels, lines to 2 MB, 64 KiB of random bytes), plus DOCX zip bombs
 * on both sides of the expanded-size limit. Each input goes through the ingest path's parser with
 * its per-file time limit and is judged: documents, a named refusal (by code), or unexpected (any
 * other exception, a code the sources stage does not throw on purpose, a message without the
 * path, a timeout). Writes bench/results/fuzz.json (every unexpected case, replayable from its
 * description) and the generated bench/results/fuzz.md. Target: 0 unexpected.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import fc from 'fast-check';
import { DOCX_MAX_EXPANDED_BYTES } from '../src/sources/adapters/docx-adapter.js';
import { caseBytes, describeCase, docxZipBomb, FUZZ_TARGETS, fuzzCaseArbitrary, judgeInput, type FuzzOutcome, type FuzzSizes, type FuzzTarget } from '../test/support/source-fuzz.js';
import { describeCodeVersion, describeMachine } from './machine-info.js';
import { REPOSITORY_ROOT } from './retrieval-config.js';

const { values: flags } = parseArgs({
  options: {
    runs: { type: 'string', default: '1000' },
    seed: { type: 'string', default: '2026' },
    targets: { type: 'string' },
  },
});
const runs = Number(flags.runs);
const seed = Number(flags.seed);
const targets = (flags.targets ? flags.targets.split(',') : FUZZ_TARGETS) as FuzzTarget[];
const SIZES: FuzzSizes = { depth: 100_000, line: 2_000_000, random: 65_536 };
// The product default is 5 minutes; a case here is a small file, so a minute means a hang.
const FILE_TIME_LIMIT_MS = 60_000;

interface TargetResult {
  target: FuzzTarget;
  cases: number;
  documents: number;
  refused: Record<string, number>;
  unexpected: Array<{ input: string; reason: string }>;
  medianMs: number;
  maxMs: number;
  slowest: string;
}

function median(values: number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

async function judgeTimed(target: FuzzTarget, bytes: Buffer): Promise<{ outcome: FuzzOutcome; ms: number }> {
  const started = performance.now();
  const outcome = await judgeInput(target, bytes, FILE_TIME_LIMIT_MS);
  return { outcome, ms: performance.now() - started };
}

function tally(result: TargetResult, input: string, outcome: FuzzOutcome): void {
  if (outcome.kind === 'documents') result.documents += 1;
  else if (outcome.kind === 'refused') result.refused[outcome.code] = (result.refused[outcome.code] ?? 0) + 1;
  else result.unexpected.push({ input, reason: outcome.reason.slice(0, 2000) });
}

const started = performance.now();
const results: TargetResult[] = [];
for (const target of targets) {
  const result: TargetResult = { target, cases: 0, documents: 0, refused: {}, unexpected: [], medianMs: 0, maxMs: 0, slowest: '' };
  const times: number[] = [];
  const cases = fc.sample(fuzzCaseArbitrary(target, SIZES), { seed, numRuns: runs });
  for (const fuzzCase of cases) {
    const input = describeCase(fuzzCase);
    const { outcome, ms } = await judgeTimed(target, await caseBytes(fuzzCase));
    result.cases += 1;
    times.push(ms);
    if (ms > result.maxMs) [result.maxMs, result.slowest] = [ms, input];
    tally(result, input, outcome);
  }
  if (target === 'docx') {
    for (const expanded of [DOCX_MAX_EXPANDED_BYTES - 1024 * 1024, DOCX_MAX_EXPANDED_BYTES + 1024 * 1024, 2 * DOCX_MAX_EXPANDED_BYTES]) {
      const input = `docx zip bomb: document.xml expands to ${expanded} bytes`;
      const { outcome, ms } = await judgeTimed(target, await docxZipBomb(expanded));
      result.cases += 1;
      times.push(ms);
      if (ms > result.maxMs) [result.maxMs, result.slowest] = [ms, input];
      tally(result, input, outcome);
    }
  }
  result.medianMs = Math.round(median(times) * 10) / 10;
  result.maxMs = Math.round(result.maxMs);
  results.push(result);
  process.stderr.write(`${target}: ${result.cases} cases, ${result.documents} documents, ${JSON.stringify(result.refused)} refused, ${result.unexpected.length} unexpected, max ${result.maxMs} ms\n`);
}

const command = `npx tsx bench/fuzz.ts --runs ${runs} --seed ${seed}${flags.targets ? ` --targets ${flags.targets}` : ''}`;
const unexpected = results.reduce((sum, result) => sum + result.unexpected.length, 0);
const output = {
  command,
  seed,
  runsPerTarget: runs,
  sizes: SIZES,
  fileTimeLimitMs: FILE_TIME_LIMIT_MS,
  totalCases: results.reduce((sum, result) => sum + result.cases, 0),
  unexpected,
  seconds: Math.round((performance.now() - started) / 100) / 10,
  machine: describeMachine(),
  code: describeCodeVersion(),
  finishedAt: new Date().toISOString(),
  targets: results,
};
const RESULTS = join(REPOSITORY_ROOT, 'bench', 'results');
writeFileSync(join(RESULTS, 'fuzz.json'), `${JSON.stringify(output, null, 2)}\n`);

const markdown = [
  '# Source-adapter fuzzing (generated by bench/fuzz.ts — do not edit)',
  '',
  `Command: \`${command}\` — commit ${output.code.commit.slice(0, 12)}${output.code.dirty ? ' (uncommitted changes)' : ''}, ${output.machine.cpuModel} × ${output.machine.cores}, Node ${output.machine.node}, ${output.seconds} s.`,
  '',
  `Inputs: fast-check, seed ${seed}; up to three mutations of a valid seed file (truncation, byte flips, NUL runs to ${SIZES.random} bytes, invalid encodings, lines to ${SIZES.line} characters, nesting to ${SIZES.depth} levels, random bytes to ${SIZES.random}); DOCX also mutated inside document.xml, plus zip bombs around the ${DOCX_MAX_EXPANDED_BYTES}-byte expanded limit. Per-file time limit ${FILE_TIME_LIMIT_MS / 1000} s.`,
  '',
  `**${output.totalCases} inputs, ${unexpected} unexpected.**`,
  '',
  '| target | cases | documents | refused (by code) | unexpected | median ms | max ms | slowest input |',
  '|---|---:|---:|---|---:|---:|---:|---|',
  ...results.map(
    (result) =>
      `| ${result.target} | ${result.cases} | ${result.documents} | ${Object.entries(result.refused).map(([code, count]) => `${code} ${count}`).join(', ') || '—'} | ${result.unexpected.length} | ${result.medianMs} | ${result.maxMs} | ${result.slowest.replace(/\|/g, '\\|').slice(0, 120)} |`,
  ),
  '',
  ...results.flatMap((result) => result.unexpected.map((item) => `- unexpected, ${result.target}: ${item.input} — ${item.reason.split('\n')[0]}`)),
  '',
].join('\n');
writeFileSync(join(RESULTS, 'fuzz.md'), markdown);
process.stdout.write(`${output.totalCases} inputs, ${unexpected} unexpected; wrote bench/results/fuzz.json and fuzz.md\n`);
if (unexpected > 0) process.exitCode = 1;
