import { describe, expect, it } from 'vitest';
import { parseDataset } from './read-dataset.js';

describe('parseDataset', () => {
  it('detects alpaca and joins instruction and input the way LLaMA-Factory does', () => {
    const result = parseDataset('{"instruction":"翻译","input":"你好","output":"hello","system":"s","history":[["q","a"]]}\n', 'a.jsonl');
    expect(result.format).toBe('alpaca');
    expect(result.records[0]!.turns).toEqual([
      { role: 'system', content: 's' },
      { role: 'user', content: 'q' },
      { role: 'assistant', content: 'a' },
      { role: 'user', content: '翻译\n你好' },
      { role: 'assistant', content: 'hello' },
    ]);
    expect(result.records[0]!.id).toBe('a.jsonl:1');
  });

  it('reads sharegpt, openai and text forms, and reports malformed lines with line numbers while keeping the rest', () => {
    const sharegpt = parseDataset(['{"conversations":[{"from":"human","value":"问"},{"from":"gpt","value":"答"}]}', '', 'oops', '{"conversations":[{"from":"bot","value":"x"}]}'].join('\n'), 's.jsonl');
    expect(sharegpt.format).toBe('sharegpt');
    expect(sharegpt.records.map((record) => record.source.line)).toEqual([1]);
    expect(sharegpt.problems.map((problem) => [problem.line, problem.message.slice(0, 25)])).toEqual([
      [3, 'not valid JSON (Unexpecte'],
      [4, 'conversations[0].from is '],
    ]);
    const openai = parseDataset('{"messages":[{"role":"user","content":"q"},{"role":"assistant","content":"a"}]}', 'o.jsonl');
    expect(openai.format).toBe('openai');
    expect(openai.records[0]!.turns.map((turn) => turn.role)).toEqual(['user', 'assistant']);
    const text = parseDataset('{"text":"第一条 为了……"}\n{"txt":1}', 't.jsonl');
    expect(text.records[0]).toMatchObject({ kind: 'text', text: '第一条 为了……' });
    expect(text.problems).toEqual([{ path: 't.jsonl', line: 2, message: 'missing string field "text"' }]);
  });

  it('honours a forced format and fails with the keys it saw when none fits', () => {
    expect(parseDataset('{"text":"x"}', 'f.jsonl', { format: 'alpaca' }).problems[0]!.message).toBe('missing string field "instruction"');
    expect(() => parseDataset('{"question":"q"}', 'q.jsonl')).toThrow(/Cannot tell the layout of q.jsonl.*"question"/u);
  });
});
