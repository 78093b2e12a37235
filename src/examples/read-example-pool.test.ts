import { writeFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readExamplePool } from './read-example-pool.js';

const directory = mkdtempSync(join(tmpdir(), 'hangjia-examples-'));
afterAll(() => rmSync(directory, { recursive: true, force: true }));

function writePool(name: string, lines: string[]): string {
  const path = join(directory, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const LINES = [
  '{"id": "a", "question": "试用期最长多久？", "answer": "不超过六个月。", "keywords": NaN}', // 1: Python's NaN
  '', //                                                                                         2: blank
  '{"question": "年假几天？", "answer": "五到十五天。"}', //                                          3: no id
  '{"id": 7, "question": "加班费？", "answer": "按工资倍数。"', //                                   4: unterminated
  '["not", "an", "object"]', //                                                                   5
  '{"id": "b", "answer": "无问题"}', //                                                           6: no input
  '{"id": "c", "question": "无答案？", "answer": "  "}', //                                         7: blank output
  '{"id": "a", "question": "重复？", "answer": "重复。"}', //                                        8: duplicate id
  '{"id": 9, "question": "数字编号？", "answer": "可以。", "split": "test"}', //                      9: numeric id
];

describe('readExamplePool', () => {
  it('reports the first malformed line by path and line number', () => {
    const path = writePool('strict.jsonl', LINES);
    expect(() => readExamplePool(path, { inputField: 'question', outputField: 'answer' })).toThrow(
      expect.objectContaining({ code: 'E_DATASET', details: { path, line: 4, reason: 'invalid-json' } }),
    );
  });

  it('skips malformed lines on request and accounts for each', () => {
    const path = writePool('lenient.jsonl', LINES);
    const { examples, skipped } = readExamplePool(path, { inputField: 'question', outputField: 'answer', onMalformed: 'skip' });
    expect(examples).toEqual([
      { id: 'a', input: '试用期最长多久？', output: '不超过六个月。', metadata: { keywords: null } },
      { id: 'line-3', input: '年假几天？', output: '五到十五天。', metadata: {} },
      { id: '9', input: '数字编号？', output: '可以。', metadata: { split: 'test' } },
    ]);
    expect(skipped.map(({ line, reason }) => [line, reason])).toEqual([
      [4, 'invalid-json'],
      [5, 'not-an-object'],
      [6, 'missing-input'],
      [7, 'missing-output'],
      [8, 'duplicate-id'],
    ]);
    expect(skipped[2]!.message).toBe(`${path}:6: expected a non-empty string field "question" (the example's input), found none.`);
  });

  it('leaves NaN inside strings alone', () => {
    const path = writePool('nan.jsonl', ['{"input": "NaN or Infinity?", "output": "Not a number", "score": -Infinity, "bad": NaN}']);
    expect(readExamplePool(path).examples[0]).toEqual({ id: 'line-1', input: 'NaN or Infinity?', output: 'Not a number', metadata: { score: null, bad: null } });
  });

  it('names a missing file', () => {
    const path = join(directory, 'missing.jsonl');
    expect(() => readExamplePool(path)).toThrow(expect.objectContaining({ code: 'E_DATASET', details: { path } }));
  });
});
