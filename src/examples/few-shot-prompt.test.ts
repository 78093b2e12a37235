import { describe, expect, it } from 'vitest';
import { examplesOf } from './__fixtures__/tiny-pools.js';
import { renderFewShotMessages } from './few-shot-messages.js';
import { createFewShotPrompt } from './few-shot-prompt.js';

const examples = [
  { id: 'a', input: '试用期最长多久？', output: '不得超过六个月。', metadata: {} },
  { id: 'b', input: '年假有几天？', output: '五到十五天。', metadata: {} },
];

describe('renderFewShotMessages', () => {
  it('turns each example into a user and an assistant turn, selected or not', () => {
    const selected = [{ example: examples[0]!, score: 1, sharedTerms: [] }];
    expect(renderFewShotMessages([...selected, examples[1]!])).toEqual([
      { role: 'user', content: '试用期最长多久？' },
      { role: 'assistant', content: '不得超过六个月。' },
      { role: 'user', content: '年假有几天？' },
      { role: 'assistant', content: '五到十五天。' },
    ]);
  });

  it('fills custom templates in one pass and rejects unknown placeholders', () => {
    const [tricky] = examplesOf(['says {{output}}']);
    expect(renderFewShotMessages([tricky!], { template: { user: '[{{id}}] {{input}}', assistant: 'A: {{ output }}' } })).toEqual([
      { role: 'user', content: '[e0] says {{output}}' },
      { role: 'assistant', content: 'A: answer to says {{output}}' },
    ]);
    expect(() => renderFewShotMessages(examples, { template: { user: '{{question}}', assistant: '{{output}}' } })).toThrow(
      expect.objectContaining({ code: 'E_USAGE' }),
    );
  });
});

describe('createFewShotPrompt', () => {
  it('lays out the Chinese default: preamble, examples, open question', () => {
    expect(createFewShotPrompt(examples, { input: '加班费怎么算？' })).toBe(
      '请参考以下示例的格式和思路回答最后的问题。\n\n问题：试用期最长多久？\n回答：不得超过六个月。\n\n问题：年假有几天？\n回答：五到十五天。\n\n问题：加班费怎么算？\n回答：',
    );
  });

  it('has an English default and takes a custom template', () => {
    expect(createFewShotPrompt(examples.slice(0, 1), { input: 'Overtime?', language: 'en' })).toBe(
      'Answer the last question following the format and reasoning of these examples.\n\nQuestion: 试用期最长多久？\nAnswer: 不得超过六个月。\n\nQuestion: Overtime?\nAnswer:',
    );
    expect(createFewShotPrompt(examples, { input: 'Q3', template: { preamble: '', example: '{{input}} => {{output}}', separator: '\n', input: '{{input}} =>' } })).toBe(
      '试用期最长多久？ => 不得超过六个月。\n年假有几天？ => 五到十五天。\nQ3 =>',
    );
  });
});
