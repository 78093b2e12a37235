import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../../test/support/run-cli.js';
import { useTemporaryDirectories, writeFiles } from '../../../test/support/temporary-directory.js';

const temporaryDirectory = useTemporaryDirectories();
const LONG = '职工累计工作已满1年不满10年的，年休假5天；已满10年不满20年的，年休假10天；已满20年的，年休假15天。';

describe('hangjia data', () => {
  it('clean writes kept items, rejects with reasons and kept ids, and counts by reason', async () => {
    const directory = temporaryDirectory();
    writeFiles(directory, {
      'train.jsonl': [
        JSON.stringify({ instruction: '年休假有几天', input: '', output: LONG }),
        JSON.stringify({ instruction: '年休假有几天呢', input: '', output: LONG }),
        'not json',
        JSON.stringify({ instruction: '你好', input: '', output: '作为一个AI，我无法回答。' }),
        JSON.stringify({ instruction: '下列关于税法基本原则的表述中，不正确的是', input: '', output: 'B' }),
      ].join('\n'),
      'exam.jsonl': JSON.stringify({ id: 'e1', question: '下列关于税法基本原则的表述中，不正确的是____。', choices: { A: '甲', B: '乙' }, answer: 'B' }),
    });
    const run = await runCliCaptured(['data', 'clean', 'train.jsonl', '--out', 'out', '--decontaminate', 'exam.jsonl', '--json'], { home: directory, cwd: directory });
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout) as { counts: Record<string, number> };
    expect(report.counts).toMatchObject({ input: 5, malformed: 1, refusal: 1, contaminated: 1, 'near-duplicate': 1, kept: 1 });
    expect(run.stderr).toContain('train.jsonl:3: not valid JSON');
    const rejects = fs.readFileSync(path.join(directory, 'out/train.rejects.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(rejects.map((reject) => [reject.id, reject.reason, reject.keptId])).toEqual([
      ['train.jsonl:2', 'near-duplicate', 'train.jsonl:1'],
      ['train.jsonl:3', 'malformed', undefined],
      ['train.jsonl:4', 'refusal', undefined],
      ['train.jsonl:5', 'contaminated', undefined],
    ]);
    expect(fs.readFileSync(path.join(directory, 'out/train.clean.jsonl'), 'utf8')).toBe(`${JSON.stringify({ instruction: '年休假有几天', input: '', output: LONG })}\n`);
  });

  it('mix writes the mixed JSONL and a report; an impossible ratio is a clear error', async () => {
    const directory = temporaryDirectory();
    writeFiles(directory, {
      'law.jsonl': Array.from({ length: 20 }, (_, index) => JSON.stringify({ text: `第${index}条 ${'法'.repeat(50)}` })).join('\n'),
      'wiki.jsonl': Array.from({ length: 200 }, (_, index) => JSON.stringify({ text: `条目${index} ${'文'.repeat(50)}` })).join('\n'),
    });
    const run = await runCliCaptured(['data', 'mix', '--preset', 'cpt', '--domain', 'law.jsonl', '--general', 'wiki.jsonl', '--out', 'mix', '--json'], { home: directory, cwd: directory });
    expect(run.code).toBe(0);
    const plan = JSON.parse(run.stdout) as { categories: { category: string; achievedShare: number }[]; samples: number };
    expect(Math.abs(plan.categories[0]!.achievedShare - 0.15)).toBeLessThan(0.005);
    expect(fs.readFileSync(path.join(directory, 'mix/mixed.jsonl'), 'utf8').trim().split('\n').length).toBe(plan.samples);
    expect(fs.readFileSync(path.join(directory, 'mix/mix-report.md'), 'utf8')).toContain('| domain | 15.00 % |');
    expect(fs.readFileSync(path.join(directory, 'mix/mix-report.svg'), 'utf8')).toMatch(/^<svg /u);
    const failed = await runCliCaptured(['data', 'mix', '--preset', 'hybrid', '--domain', 'law.jsonl', '--general', 'wiki.jsonl', '--out', 'mix2'], { home: directory, cwd: directory });
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/needs 46\.0 % general instruction.*\[E_MIX_RATIO\]/u);
  });

  it('export then validate: a clean file passes, a broken one fails with line numbers', async () => {
    const directory = temporaryDirectory();
    writeFiles(directory, {
      'qa.jsonl': '{"instruction":"试用期多久","input":"","output":"不超过六个月"}\n',
      'bad.jsonl': '{"conversations":[{"from":"gpt","value":"a"},{"from":"human","value":"q"}]}\n',
    });
    const exported = await runCliCaptured(['data', 'export', 'qa.jsonl', '--layout', 'sharegpt', '--out', 'lf', '--name', 'qa'], { home: directory, cwd: directory });
    expect(exported.code).toBe(0);
    const valid = await runCliCaptured(['data', 'validate', 'lf/qa.jsonl'], { home: directory, cwd: directory });
    expect([valid.code, valid.stdout]).toEqual([0, 'sharegpt: 1 of 1 examples usable; 0 errors, 0 skipped, 0 warnings.\n']);
    const broken = await runCliCaptured(['data', 'validate', 'bad.jsonl'], { home: directory, cwd: directory });
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/^bad\.jsonl:1: skipped: conversations\[0\]\.from is "gpt"/u);
  });
});
