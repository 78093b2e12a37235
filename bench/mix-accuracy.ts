/**
 * Token-ratio accuracy of planned mixes: how far achieved token shares land from the preset's
 * targets when sources mix short and long items.
 *
 * Command: node --import tsx bench/mix-accuracy.ts
 * Writes bench/results/mix-accuracy.json and bench/results/mix-accuracy.md.
 *
 * Sources are synthetic with exactly known token counts (n CJK characters = n tokens under
 * estimateTokens): per source, item lengths are log-normal with a source-specific median (short
 * QA ≈ 60 tokens, articles ≈ 400, long documents ≈ 2,000) and a heavy tail (σ = 1). Every preset
 * runs over 10 seeds, with natural sizing (no up-sampling) and with a total forcing up-sampling
 * of the smallest source; the error is achieved − target share in percentage points. Target:
 * |error| ≤ 0.5 pp.
 */
import fs from 'node:fs';
import { planMix, type DatasetRecord, type MixPreset, type MixSource } from '../src/datasets/index.js';
import { describeCodeVersion, describeMachine } from './machine-info.js';
import { createSeededRandom } from '../src/support/index.js';


function makeSource(name: string, kind: 'text' | 'instruction', items: number, median: number, random: () => number): MixSource {
  const records: DatasetRecord[] = [];
  for (let index = 0; index < items; index += 1) {
    const normal = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
    const length = Math.max(2, Math.round(median * Math.exp(normal)));
    records.push(
      kind === 'text'
        ? { id: `${name}:${index + 1}`, kind, format: 'text', turns: [], text: '字'.repeat(length), source: { path: name, line: index + 1 } }
        : { id: `${name}:${index + 1}`, kind, format: 'openai', turns: [{ role: 'user', content: '问' }, { role: 'assistant', content: '答'.repeat(length - 1) }], text: '', source: { path: name, line: index + 1 } },
    );
  }
  return { name, records, kind };
}

const started = performance.now();
const rows: { preset: MixPreset; sizing: string; seed: number; maxErrorPoints: number; upsampled: boolean }[] = [];
for (let seed = 1; seed <= 10; seed += 1) {
  const random = createSeededRandom(seed);
  const domain = [makeSource('law-articles', 'text', 800, 400, random), makeSource('law-qa', 'instruction', 3000, 60, random), makeSource('judgments', 'text', 150, 2000, random)];
  const general = [makeSource('wiki', 'text', 6000, 400, random), makeSource('general-sft', 'instruction', 12000, 60, random), makeSource('books', 'text', 600, 2000, random)];
  const cases: { preset: MixPreset; ratios?: Record<string, number> }[] = [{ preset: 'cpt' }, { preset: 'sft' }, { preset: 'hybrid' }, { preset: 'custom', ratios: { domain: 0.1, general: 0.9 } }];
  for (const testCase of cases) {
    for (const sizing of ['natural', 'upsampled'] as const) {
      const base = await planMix({ ...testCase, domain, general, seed });
      const plan = sizing === 'natural' ? base : await planMix({ ...testCase, domain, general, seed, totalTokens: Math.round(base.totalTokens * 1.5) });
      rows.push({ preset: testCase.preset, sizing, seed, maxErrorPoints: Math.max(...plan.categories.map((category) => Math.abs(category.errorPoints))), upsampled: plan.sources.some((source) => source.factor > 1 + 1e-9) });
    }
  }
}
const summary = (['cpt', 'sft', 'hybrid', 'custom'] as MixPreset[]).flatMap((preset) =>
  (['natural', 'upsampled'] as const).map((sizing) => {
    const selected = rows.filter((row) => row.preset === preset && row.sizing === sizing);
    const errors = selected.map((row) => row.maxErrorPoints);
    return { preset, sizing, runs: selected.length, worstErrorPoints: Number(Math.max(...errors).toFixed(4)), meanErrorPoints: Number((errors.reduce((sum, value) => sum + value, 0) / errors.length).toFixed(4)), upsamplingWarned: selected.every((row) => row.upsampled === (sizing === 'upsampled')) };
  }),
);
const output = { benchmark: 'mix-accuracy', command: 'node --import tsx bench/mix-accuracy.ts', date: new Date().toISOString(), machine: describeMachine(), code: describeCodeVersion(), seconds: Number(((performance.now() - started) / 1000).toFixed(1)), summary, rows };
fs.mkdirSync('bench/results', { recursive: true });
fs.writeFileSync('bench/results/mix-accuracy.json', `${JSON.stringify(output, null, 2)}\n`);
fs.writeFileSync(
  'bench/results/mix-accuracy.md',
  [
    '# Mix planner: token-ratio error',
    '',
    `Command: \`${output.command}\``,
    '',
    `Machine: ${output.machine.cpuModel}, ${output.machine.cores} cores, Node ${output.machine.node}; ${output.date}; commit ${output.code.commit}${output.code.dirty ? ' (uncommitted changes)' : ''}; ${output.seconds} s.`,
    '',
    'Six sources (log-normal item lengths, medians 60 / 400 / 2,000 tokens), 10 seeds per row; error = |achieved − target| share of the worst category, in percentage points (target ≤ 0.5).',
    '',
    '| preset | sizing | runs | worst error (pp) | mean error (pp) | up-sampling flagged exactly when forced |',
    '|---|---|---:|---:|---:|---|',
    ...summary.map((row) => `| ${row.preset} | ${row.sizing} | ${row.runs} | ${row.worstErrorPoints} | ${row.meanErrorPoints} | ${row.upsamplingWarned ? 'yes' : 'no'} |`),
    '',
  ].join('\n'),
);
process.stdout.write(`${JSON.stringify(summary, null, 2)}\n`);
