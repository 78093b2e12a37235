import { describe, expect, it } from 'vitest';
import { extractChoiceAnswer, type AnswerExtractionMethod } from './extract-choice-answer.js';

/** CMMLU agronomy-0: the key is B (土地). */
const FARM = { A: '农业生产工具', B: '土地', C: '劳动力', D: '资金' };
/** Options that are English words and numbers, where letters and words can collide. */
const CELL = { A: 'mitochondria', B: 'nucleus', C: 'ribosome', D: 'cell wall' };
const TEMPERATURE = { A: '36°C', B: '37.8°C', C: '36.5°C', D: '37°C' };

type Row = [reply: string, expected: string | null, method: AnswerExtractionMethod, choices?: Record<string, string>, multi?: boolean];

// Each row: a reply as models write them, the exact letter set expected (null: no parseable answer), and the rule that should find it.
const TABLE: Row[] = [
  ['答案是B', 'B', 'statement'],
  ['B.', 'B', 'leading-letters'],
  ['(C)', 'C', 'leading-letters'],
  ['选B和D', 'BD', 'statement', FARM, true],
  ['正确答案：A、C', 'AC', 'statement', FARM, true],
  ['the answer is (C)', 'C', 'statement'],
  ['I think it\'s D because capital is the scarcest input.', 'D', 'statement'],
  ['B和D', 'BD', 'leading-letters', FARM, true],
  ['AC', 'AC', 'leading-letters', FARM, true],
  ['Ｂ', 'B', 'leading-letters'],
  ['答案：Ｃ', 'C', 'statement'],
  ['土地', 'B', 'option-text'],
  ['最主要的基本生产资料是土地。', 'B', 'option-text'],
  ['劳动力和资金', 'CD', 'option-text', FARM, true],
  ['答案是 B。土地是农业中不可替代的生产资料，A、C、D都不是。', 'B', 'statement'],
  ['B. 土地', 'B', 'leading-letters'],
  ['B、土地', 'B', 'leading-letters'],
  ['The correct answer is B: the nucleus.', 'B', 'statement', CELL],
  ['Answer: D', 'D', 'statement'],
  ['**答案：A**', 'A', 'statement'],
  ['<think>可能是A，也可能是C，再想想。</think>答案是C', 'C', 'statement'],
  ['根据题意，A选项错误，B选项正确。', 'B', 'statement'],
  ['选项A错误，选项B正确', 'B', 'statement'],
  ['故选D。', 'D', 'statement'],
  ['答案为A，B，C', 'ABC', 'statement', FARM, true],
  ['答案应该是 C 劳动力', 'C', 'statement'],
  ['我认为B正确', 'B', 'statement'],
  ['A good question. I would choose C.', 'C', 'statement', CELL],
  ['【答案】B', 'B', 'statement'],
  ['答案是（B）', 'B', 'statement'],
  ['选择 D 项', 'D', 'statement'],
  ['The answer is B, because A is wrong.', 'B', 'statement', CELL],
  ['Option B is correct.', 'B', 'statement', CELL],
  ['答案不是A，而是C', 'C', 'statement'],
  ['ＡＣ', 'AC', 'leading-letters', FARM, true],
  ['The answers are A, C and D.', 'ACD', 'statement', FARM, true],
  ['答案：ABD', 'ABD', 'statement', FARM, true],
  ['答案:B\n解析：A项错误，因为工具可以替代。', 'B', 'statement'],
  ['c', 'C', 'leading-letters'],
  ['37.8°C', 'B', 'option-text', TEMPERATURE],
  ['36.5°C', 'C', 'option-text', TEMPERATURE],
  ['看来是 C 吧', 'C', 'lone-letter'],
  ['Because the nucleus holds the DNA.', 'B', 'option-text', CELL],
  ['A cell wall protects plant cells.', 'D', 'option-text', CELL],
  ['I\'m not sure.', null, 'none', CELL],
  ['以上都不对', null, 'none'],
  ['答案是E', null, 'none'],
  ['我觉得A有道理，C也说得通', null, 'none'],
  ['', null, 'none'],
];

describe('extractChoiceAnswer', () => {
  it('has a table of at least 30 realistic replies', () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(30);
  });

  it.each(TABLE)('%j → %s (%s)', (reply, expected, method, choices = FARM, multi = false) => {
    const result = extractChoiceAnswer(reply, choices, { multi });
    expect(result).toEqual({ letters: expected === null ? undefined : [...expected], method });
  });
});
