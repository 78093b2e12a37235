import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCliCaptured } from '../../../test/support/run-cli.js';
import { useTemporaryDirectories, writeFiles } from '../../../test/support/temporary-directory.js';

const temporaryDirectory = useTemporaryDirectories();

const item = (id: string, question: string, answer: string) => JSON.stringify({ id, messages: [{ role: 'user', content: question }, { role: 'assistant', content: answer }], chunkIds: ['law.txt#0'] });

describe('hangjia data export --reviewed', () => {
  it('drops rejected items, applies edits, and with --only-approved drops pending ones; counts are reported', async () => {
    const home = temporaryDirectory();
    writeFiles(home, {
      'qa.jsonl': [item('a', '试用期最长多久？', '六个月。'), item('b', '年休假几天？', '看情况。'), item('c', '加班费怎么算？', '不低于工资的百分之一百五十。'), item('d', '试用期能约定两次吗？', '不能。')].join('\n'),
    });
    const review = async (...args: string[]) => expect((await runCliCaptured(['data', 'review', 'qa.jsonl', ...args], { home, cwd: home })).code).toBe(0);
    await review('--reject', 'b', '--reason', '答案空泛');
    await review('--edit', 'c', '--output', '不低于工资的百分之一百五十的工资报酬。');
    await review('--accept', 'd');

    const run = await runCliCaptured(['data', 'export', 'qa.jsonl', '--layout', 'alpaca', '--out', 'lf', '--name', 'qa', '--reviewed', '--json'], { home, cwd: home });
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { written: number; review: { file: string; counts: Record<string, number>; unmatched: string[] } };
    expect(result.written).toBe(3);
    expect(result.review).toEqual({ file: path.join(home, 'qa.jsonl.review.json'), counts: { accepted: 1, edited: 1, rejected: 1, pending: 1, pendingDropped: 0 }, unmatched: [] });
    const exported = () => fs.readFileSync(path.join(home, 'lf/qa.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { instruction: string; output: string });
    expect(exported().map((example) => [example.instruction, example.output])).toEqual([
      ['试用期最长多久？', '六个月。'], // pending: kept
      ['加班费怎么算？', '不低于工资的百分之一百五十的工资报酬。'], // edited
      ['试用期能约定两次吗？', '不能。'], // accepted
    ]);

    const approved = await runCliCaptured(['data', 'export', 'qa.jsonl', '--layout', 'alpaca', '--out', 'lf', '--name', 'qa', '--only-approved'], { home, cwd: home });
    expect(approved.code).toBe(0);
    expect(approved.stdout).toContain('review: 1 accepted, 1 edited, 1 rejected (dropped), 1 pending (dropped: --only-approved)\nwrote 2 examples to');
    expect(exported().map((example) => example.instruction)).toEqual(['加班费怎么算？', '试用期能约定两次吗？']);
  });

  it('--reviewed without review decisions is a usage error, not a silent full export', async () => {
    const home = temporaryDirectory();
    writeFiles(home, { 'qa.jsonl': item('a', '试用期最长多久？', '六个月。') });
    const run = await runCliCaptured(['data', 'export', 'qa.jsonl', '--layout', 'alpaca', '--out', 'lf', '--reviewed'], { home, cwd: home });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('--reviewed needs review decisions in');
    expect(run.stderr).toContain('hangjia data review qa.jsonl');
  });
});
