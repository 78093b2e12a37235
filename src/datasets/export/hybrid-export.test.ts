import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTemporaryDirectories } from '../../../test/support/temporary-directory.js';
import { parseDataset } from '../read-dataset.js';
import { exportHybridDataset, renderChatTemplate, type ChatTemplateName } from './hybrid-export.js';
import { validateDatasetFile } from './validate-dataset.js';

const temporaryDirectory = useTemporaryDirectories();

const TEXT = '{"text":"第一条 为了保护劳动者的合法权益，制定本法。"}';
const INSTRUCTIONS = [
  '{"messages":[{"role":"system","content":"你是律师"},{"role":"user","content":"试用期多久"},{"role":"assistant","content":"不超过六个月"},{"role":"user","content":"依据？"},{"role":"assistant","content":"劳动合同法第十九条"}]}',
  '{"messages":[{"role":"user","content":"只有问题"}]}',
  '{"messages":[{"role":"user","content":" 年休假几天 "},{"role":"assistant","content":"5天"}]}',
].join('\n');

function records() {
  return [...parseDataset(TEXT, 'law.jsonl').records, ...parseDataset(INSTRUCTIONS, 'qa.jsonl').records];
}

// Each expected string is the model's own chat template applied to the same messages (Qwen2.5 and
// Llama 3.1 tokenizer_config.json, GLM-4-9b-chat), without a generation prompt.
const EXPECTED: Record<ChatTemplateName, [string, string]> = {
  qwen: [
    '<|im_start|>system\n你是律师<|im_end|>\n<|im_start|>user\n试用期多久<|im_end|>\n<|im_start|>assistant\n不超过六个月<|im_end|>\n<|im_start|>user\n依据？<|im_end|>\n<|im_start|>assistant\n劳动合同法第十九条<|im_end|>\n',
    '<|im_start|>user\n 年休假几天 <|im_end|>\n<|im_start|>assistant\n5天<|im_end|>\n',
  ],
  llama3: [
    '<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\n你是律师<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n试用期多久<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n不超过六个月<|eot_id|><|start_header_id|>user<|end_header_id|>\n\n依据？<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n劳动合同法第十九条<|eot_id|>',
    // Meta's template trims every content.
    '<|begin_of_text|><|start_header_id|>user<|end_header_id|>\n\n年休假几天<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n5天<|eot_id|>',
  ],
  chatglm: [
    '[gMASK]<sop><|system|>\n你是律师<|user|>\n试用期多久<|assistant|>\n不超过六个月<|user|>\n依据？<|assistant|>\n劳动合同法第十九条',
    '[gMASK]<sop><|user|>\n 年休假几天 <|assistant|>\n5天',
  ],
  plain: ['System: 你是律师\nHuman: 试用期多久\nAssistant: 不超过六个月\nHuman: 依据？\nAssistant: 劳动合同法第十九条\n', 'Human:  年休假几天 \nAssistant: 5天\n'],
};

describe('exportHybridDataset', () => {
  for (const template of Object.keys(EXPECTED) as ChatTemplateName[]) {
    it(`renders instructions through the ${template} template, keeps text as is, and registers a pt dataset`, () => {
      const directory = temporaryDirectory();
      const result = exportHybridDataset(records(), { chatTemplate: template, directory, name: 'law_hybrid' });
      const lines = fs.readFileSync(result.file, 'utf8').trimEnd().split('\n').map((line) => (JSON.parse(line) as { text: string }).text);
      // Order is kept: the text record first, then the two usable instructions; the one-turn record is skipped.
      expect(lines).toEqual(['第一条 为了保护劳动者的合法权益，制定本法。', ...EXPECTED[template]]);
      expect(result.counts).toEqual({ text: 1, instruction: 2 });
      expect(result.skipped).toEqual([{ id: 'qa.jsonl:2', source: { path: 'qa.jsonl', line: 2 }, reason: '1 turns after the system turn; expected user/assistant pairs (an even count)' }]);
      expect(JSON.parse(fs.readFileSync(path.join(directory, 'dataset_info.json'), 'utf8'))).toEqual({ law_hybrid: { file_name: 'law_hybrid.jsonl', columns: { prompt: 'text' } } });
      expect(validateDatasetFile(result.file).issues).toEqual([]);
    });
  }

  it('adds the system prompt only to records that have none', () => {
    const directory = temporaryDirectory();
    const result = exportHybridDataset(parseDataset(INSTRUCTIONS, 'qa.jsonl').records, { chatTemplate: 'qwen', directory, name: 'h', systemPrompt: '你是行家' });
    const lines = fs.readFileSync(result.file, 'utf8').trimEnd().split('\n').map((line) => (JSON.parse(line) as { text: string }).text);
    expect(lines[0]).toBe(EXPECTED.qwen[0]);
    expect(lines[1]).toBe(`<|im_start|>system\n你是行家<|im_end|>\n${EXPECTED.qwen[1]}`);
  });

  it('refuses an unknown template, naming the allowed ones', () => {
    expect(() => exportHybridDataset([], { chatTemplate: 'mistral' as ChatTemplateName, directory: temporaryDirectory(), name: 'h' })).toThrow(
      'Unknown chat template "mistral"; expected one of qwen, llama3, chatglm, plain',
    );
  });

  it('renderChatTemplate is exported for previews', () => {
    expect(renderChatTemplate([{ role: 'user', content: '问' }, { role: 'assistant', content: '答' }], 'plain')).toBe('Human: 问\nAssistant: 答\n');
  });
});
