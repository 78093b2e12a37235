import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTemporaryDirectories, writeFiles } from '../../../test/support/temporary-directory.js';
import { parseDataset } from '../read-dataset.js';
import { exportDataset } from './export-dataset.js';
import { validateDatasetFile } from './validate-dataset.js';

const temporaryDirectory = useTemporaryDirectories();

const SOURCE = [
  '{"messages":[{"role":"system","content":"你是律师"},{"role":"user","content":"问1"},{"role":"assistant","content":"答1"},{"role":"user","content":"问2"},{"role":"assistant","content":"答2"}]}',
  '{"messages":[{"role":"user","content":"只有问题"}]}',
].join('\n');

describe('exportDataset', () => {
  it('writes each layout with the dataset_info.json entry LLaMA-Factory documents, and the result validates clean', () => {
    const directory = temporaryDirectory();
    const { records } = parseDataset(SOURCE, 'src.jsonl');
    const alpaca = exportDataset(records, { layout: 'alpaca', directory, name: 'law_alpaca' });
    expect(alpaca.skipped.map((item) => item.reason)).toEqual(['1 turns after the system turn; expected user/assistant pairs (an even count)']);
    expect(JSON.parse(fs.readFileSync(alpaca.file, 'utf8'))).toEqual({ instruction: '问2', input: '', output: '答2', system: '你是律师', history: [['问1', '答1']] });
    exportDataset(records, { layout: 'sharegpt', directory, name: 'law_sharegpt' });
    exportDataset(records, { layout: 'openai', directory, name: 'law_openai' });
    exportDataset(records, { layout: 'text', directory, name: 'law_text' });
    const info = JSON.parse(fs.readFileSync(path.join(directory, 'dataset_info.json'), 'utf8')) as Record<string, Record<string, unknown>>;
    expect(info).toEqual({
      law_alpaca: { file_name: 'law_alpaca.jsonl', formatting: 'alpaca', columns: { prompt: 'instruction', query: 'input', response: 'output', system: 'system', history: 'history' } },
      law_sharegpt: { file_name: 'law_sharegpt.jsonl', formatting: 'sharegpt', columns: { messages: 'conversations' }, tags: { role_tag: 'from', content_tag: 'value', user_tag: 'human', assistant_tag: 'gpt', system_tag: 'system' } },
      law_openai: { file_name: 'law_openai.jsonl', formatting: 'sharegpt', columns: { messages: 'messages' }, tags: { role_tag: 'role', content_tag: 'content', user_tag: 'user', assistant_tag: 'assistant', system_tag: 'system' } },
      law_text: { file_name: 'law_text.jsonl', columns: { prompt: 'text' } },
    });
    expect(fs.readFileSync(path.join(directory, 'law_sharegpt.jsonl'), 'utf8').split('\n')[0]).toBe(
      '{"conversations":[{"from":"system","value":"你是律师"},{"from":"human","value":"问1"},{"from":"gpt","value":"答1"},{"from":"human","value":"问2"},{"from":"gpt","value":"答2"}]}',
    );
    for (const name of ['law_alpaca', 'law_sharegpt', 'law_openai', 'law_text']) {
      const result = validateDatasetFile(path.join(directory, `${name}.jsonl`));
      expect([name, result.issues]).toEqual([name, []]);
    }
    expect(validateDatasetFile(path.join(directory, 'law_openai.jsonl')).format).toBe('openai');
    expect(fs.readdirSync(directory).filter((file) => file.endsWith('.tmp'))).toEqual([]);
  });
});

describe('validateDatasetFile', () => {
  it('reports what LLaMA-Factory would skip or fail on, with line numbers', () => {
    const directory = temporaryDirectory();
    writeFiles(directory, {
      'chat.jsonl': [
        '{"conversations":[{"from":"system","value":"s"},{"from":"human","value":"q"},{"from":"gpt","value":"a"}]}',
        '{"conversations":[{"from":"gpt","value":"a"},{"from":"human","value":"q"}]}',
        '{"conversations":[{"from":"human","value":"q"},{"from":"gpt","value":"a"},{"from":"human","value":"q2"}]}',
        '{"conversations":[{"from":"human","value":""},{"from":"gpt","value":"a"}]}',
        '{"conversations":[{"from":"human","value":"q"},{"from":"system","value":"late"}]}',
        '{broken',
      ].join('\n'),
      'dataset_info.json': JSON.stringify({ chat: { file_name: 'chat.jsonl', formatting: 'sharegpt_v2' } }),
    });
    const result = validateDatasetFile(path.join(directory, 'chat.jsonl'));
    expect(result.issues.map((issue) => [issue.line, issue.severity, issue.message.slice(0, 40)])).toEqual([
      [0, 'error', 'dataset_info entry "chat" has unknown fo'],
      [2, 'skipped', 'conversations[0].from is "gpt": expected'],
      [3, 'skipped', '3 messages after the system message; an '],
      [4, 'warning', 'conversations[0].value is empty'],
      [5, 'skipped', 'conversations[1].from is "system": a sys'],
      [6, 'error', 'not valid JSON (Expected property name o'],
    ]);
    expect(result.usable).toBe(2);
  });

  it('flags alpaca rows without a string output and files missing a column', () => {
    const directory = temporaryDirectory();
    writeFiles(directory, { 'a.jsonl': '{"instruction":"q","input":"","output":"a"}\n{"instruction":"q","input":"","output":null}\n', 'b.jsonl': '{"instruction":"q"}\n' });
    expect(validateDatasetFile(path.join(directory, 'a.jsonl')).issues.map((issue) => [issue.line, issue.severity])).toEqual([[2, 'skipped']]);
    expect(validateDatasetFile(path.join(directory, 'b.jsonl'), { format: 'alpaca' }).issues.map((issue) => issue.message)).toEqual([
      'no row has the column "output"; LLaMA-Factory raises KeyError',
      '"output" is missing or not a string; the example has no response and supervised training drops it',
    ]);
  });
});
