import { describe, expect, it } from 'vitest';
import { checkGrounding, findPassageReference } from './index.js';

describe('findPassageReference', () => {
  it.each([
    ['根据上文，试用期最长多久？', '根据上文'],
    ['本文规定的试用期是多久？', '本文规定'],
    ['文中提到的年休假有几天？', '文中提到'],
    ['根据以上材料，加班费怎么算？', '根据以上材料'],
    ['这段文字主要讲了什么？', '这段文字'],
    ['According to the passage, how long is the probation period?', 'According to the passage'],
    ['What does the text say about resets?', 'the text say'],
    ['Which button is mentioned above?', 'mentioned above'],
  ])('flags %s', (question, phrase) => {
    expect(findPassageReference(question)?.toLowerCase()).toBe(phrase.toLowerCase());
  });

  it.each(['劳动合同期限三年以上的，试用期最长多久？', '基于信息技术的考勤系统如何记录加班？', '这段时间内请病假会影响年休假吗？', '日本文化中的加班习惯是怎样的？', 'How do I reset the XR-5400 router?'])('lets a standalone question through: %s', (question) => {
    expect(findPassageReference(question)).toBeUndefined();
  });
});

describe('checkGrounding', () => {
  const chunk = '第十九条 劳动合同期限三年以上的，试用期不得超过六个月。';
  it('measures the share of answer units found in the chunk', () => {
    const copied = checkGrounding({ turns: [{ role: 'user', content: '试用期最长多久？' }, { role: 'assistant', content: '试用期不得超过六个月。' }] }, chunk);
    // 试用 用期 期不 不得 得超 超过 过六 六个 个月: all nine bigrams occur in the chunk.
    expect(copied).toEqual({ support: 1, units: 9, missing: [], grounded: true });
    const invented = checkGrounding({ turns: [{ role: 'assistant', content: '试用期最长十二个月。' }] }, chunk);
    // 试用 用期 期最 最长 长十 十二 二个 个月: 试用, 用期, 个月 occur — 3 of 8.
    expect(invented).toMatchObject({ support: 3 / 8, units: 8, grounded: false, missing: ['期最', '最长', '长十', '十二', '二个'] });
  });

  it('checks only the assistant side, and English words and numbers too', () => {
    const result = checkGrounding({ turns: [{ role: 'user', content: 'Totally unrelated question words' }, { role: 'assistant', content: 'Hold RESET for 10 seconds.' }] }, 'Hold the RESET button for 10 seconds until the light blinks.');
    expect(result).toEqual({ support: 1, units: 4, missing: [], grounded: true });
  });
});
