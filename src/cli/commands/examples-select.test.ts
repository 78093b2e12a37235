import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCommand } from 'citty';
import { describe, expect, it } from 'vitest';
import { useTemporaryDirectories } from '../../../test/support/temporary-directory.js';
import type { CliSession } from '../_session.js';
import selectCommand from './examples-select.js';

const temporaryDirectory = useTemporaryDirectories();

/** Runs `hangjia examples select …` through citty, in-process, with captured output. */
async function runSelect(rawArgs: string[], cwd: string): Promise<{ stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const session: CliSession = {
    streams: { stdout: { write: (text: string) => (stdout += text) }, stderr: { write: (text: string) => (stderr += text) } },
    stdin: process.stdin,
    env: { HANGJIA_HOME: cwd },
    cwd,
    exitCode: 0,
  };
  await runCommand(selectCommand, { rawArgs, data: session });
  return { stdout, stderr };
}

describe('hangjia examples select', () => {
  it('prints the chosen examples with scores and shared terms, as text and JSON', async () => {
    const directory = temporaryDirectory();
    writeFileSync(
      path.join(directory, 'pool.jsonl'),
      [
        '{"id": "p1", "question": "试用期最长多久？", "answer": "不得超过六个月。"}',
        '{"id": "p2", "question": "年假有几天？", "answer": "五到十五天。"}',
        'not json',
      ].join('\n'),
    );
    const args = ['pool.jsonl', '试用期可以约定多长？', '--input-field', 'question', '--output-field', 'answer', '-k', '2'];
    const text = await runSelect(args, directory);
    // Only p1 shares terms with the input; the broken line 3 is skipped with a warning.
    expect(text.stdout).toMatch(/^\[1\] \d\.\d{3} {2}p1 {2}shared: .*试用期.*\n {4}in: {2}试用期最长多久？\n {4}out: 不得超过六个月。\n$/);
    expect(text.stderr).toContain('pool.jsonl:3: expected one JSON object per line');

    const json = JSON.parse((await runSelect([...args, '--selector', 'random', '--json'], directory)).stdout) as {
      selector: string;
      examples: Array<{ rank: number; id: string; score: number }>;
      skippedLines: unknown[];
    };
    expect(json.selector).toBe('random');
    expect(json.examples.map((example) => example.id).sort()).toEqual(['p1', 'p2']);
    expect(json.skippedLines).toEqual([{ line: 3, reason: 'invalid-json' }]);
  });
});
