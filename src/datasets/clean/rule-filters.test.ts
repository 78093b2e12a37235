import { describe, expect, it } from 'vitest';
import { applyRuleFilters, DEFAULT_RULE_FILTER_OPTIONS, repeatedNgramShare } from './rule-filters.js';

const check = (text: string, response?: string, options = {}) => applyRuleFilters(text, response, { ...DEFAULT_RULE_FILTER_OPTIONS, ...options })?.reason;

describe('rule filters', () => {
  it('length bounds count visible characters', () => {
    expect(check(' 好 ')).toBe('too-short');
    expect(check('劳动合同')).toBeUndefined();
    expect(check('劳动合同法', undefined, { maxCharacters: 4 })).toBe('too-long');
    expect(check('试用期多久\n  ', '  ')).toBe('empty-response');
  });

  it('language ratio: CJK share of letters', () => {
    expect(check('This is English text only.', undefined, { language: 'zh' })).toBe('language');
    expect(check('劳动合同法规定的 law', undefined, { language: 'zh' })).toBeUndefined(); // 8 CJK of 11 letters = 0.73
    expect(check('劳动 contract', undefined, { language: 'zh' })).toBe('language'); // 2 of 10 = 0.2
    expect(check('劳动合同法规定', undefined, { language: 'en' })).toBe('language');
  });

  it('repetition: share of repeated 10-grams', () => {
    const repeated = '劳动者享有平等就业和选择职业的权利。'.repeat(4);
    expect(repeatedNgramShare('abcabcabc', 3)).toEqual({ share: 4 / 7, ngrams: 7 });
    expect(check(repeated)).toBe('repetition');
    expect(check('劳动者享有平等就业和选择职业的权利、取得劳动报酬的权利、休息休假的权利、获得劳动安全卫生保护的权利、接受职业技能培训的权利。')).toBeUndefined();
  });

  it('garbled text: replacement characters, mojibake, control characters', () => {
    expect(check('合同\ufffd\ufffd条款')).toBe('garbled');
    expect(check('锟斤拷锟斤拷')).toBe('garbled');
    expect(check('cafÃ© au lait')).toBe('garbled');
    expect(check('a\u0001b\u0002c')).toBe('garbled');
  });

  it('refusals and boilerplate on the assistant side only', () => {
    expect(check('问题\n作为一个AI，我不能', '作为一个AI，我不能')).toBe('refusal');
    expect(check('As an AI language model, I cannot')).toBe('refusal');
    expect(check('抱歉，我无法提供帮助')).toBe('refusal');
    // The user may say it; only the response is checked for instructions.
    expect(check('作为一个AI你怎么看\n我认为……', '我认为……')).toBeUndefined();
  });
});
