import { describe, expect, it } from 'vitest';
import type { Hit } from '../retrieval/index.js';
import { buildAnswerPrompt, detectLanguage } from './index.js';

function hit(id: string, text: string, headingPath: string[], title = '劳动合同法'): Hit {
  return {
    chunk: { id, documentId: id.split('#')[0]!, index: 0, text, headingPath, start: 0, end: text.length, tokenCount: 0 },
    score: 1,
    documentPath: `/kb/${title}.txt`,
    documentTitle: title,
    matchedTerms: [],
    scores: [],
  };
}

const HITS = [
  hit('a#0', '劳动合同期限三年以上的，试用期不得超过六个月。', ['劳动合同法', '第十九条']),
  hit('b#0', '同一用人单位与同一劳动者只能约定一次试用期。', ['第十九条']),
  hit('c#0', '劳动者在试用期的工资不得低于本单位相同岗位最低档工资的百分之八十。', ['第二十条']),
];

describe('buildAnswerPrompt', () => {
  it('numbers sources with title and heading path, and asks for [n] citations in Chinese', () => {
    const prompt = buildAnswerPrompt({ question: '试用期最长多久？', hits: HITS, contextTokenBudget: 1000, systemPrompt: '你是劳动法顾问。' });
    expect(prompt.language).toBe('zh');
    expect(prompt.messages).toHaveLength(2);
    expect(prompt.messages[0]!.role).toBe('system');
    expect(prompt.messages[0]!.content.startsWith('你是劳动法顾问。\n\n你是一个严谨的知识库问答助手。请只根据下面编号的资料回答')).toBe(true);
    expect(prompt.messages[0]!.content).toContain('知识库中没有涉及这个问题的内容。');
    // The title is not repeated when the heading path already starts with it.
    expect(prompt.messages[1]).toEqual({
      role: 'user',
      content:
        '资料：\n[1] 劳动合同法 › 第十九条\n劳动合同期限三年以上的，试用期不得超过六个月。\n\n' +
        '[2] 劳动合同法 › 第十九条\n同一用人单位与同一劳动者只能约定一次试用期。\n\n' +
        '[3] 劳动合同法 › 第二十条\n劳动者在试用期的工资不得低于本单位相同岗位最低档工资的百分之八十。\n\n问题：试用期最长多久？',
    });
    expect(prompt.sources.map((source) => [source.n, source.rank, source.truncated])).toEqual([[1, 1, false], [2, 2, false], [3, 3, false]]);
    expect(prompt.dropped).toEqual([]);
  });

  it('uses the English template for an English question and places few-shot turns before the question', () => {
    const prompt = buildAnswerPrompt({
      question: 'How long can probation last?',
      hits: HITS.slice(0, 1),
      contextTokenBudget: 1000,
      fewShot: [{ role: 'user', content: 'Q?' }, { role: 'assistant', content: 'A [1].' }],
    });
    expect(prompt.language).toBe('en');
    expect(prompt.messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(prompt.messages[0]!.content).toContain('The knowledge base does not cover this question.');
    expect(prompt.messages[3]!.content.endsWith('\n\nQuestion: How long can probation last?')).toBe(true);
    expect(detectLanguage('XR-5400怎么重置')).toBe('zh');
  });

  it('drops the lowest-ranked hits and cuts the last one at a sentence boundary to fit the budget', () => {
    const long = hit('d#0', '第一句讲试用期的期限和次数限制。第二句讲试用期工资的最低标准和计算。第三句讲违法约定试用期的赔偿责任。', ['第二十一条']);
    // [1] header "[1] 劳动合同法 › 第十九条" = 12 tokens, text 24 → 36; "[2] … 第二十一条 （节选）" header = 16 tokens.
    const prompt = buildAnswerPrompt({ question: '试用期', hits: [HITS[0]!, long, HITS[2]!], contextTokenBudget: 36 + 16 + 32 });
    expect(prompt.sources.map((source) => [source.n, source.rank, source.truncated, source.text])).toEqual([
      [1, 1, false, '劳动合同期限三年以上的，试用期不得超过六个月。'],
      [2, 2, true, '第一句讲试用期的期限和次数限制。'],
    ]);
    expect(prompt.dropped.map((dropped) => [dropped.rank, dropped.reason])).toEqual([[3, 'budget']]);
    expect(prompt.sourceTokens).toBeLessThanOrEqual(84);
    expect(prompt.messages[1]!.content).toContain('[2] 劳动合同法 › 第二十一条 （节选）\n第一句讲试用期的期限和次数限制。\n\n问题：试用期');
  });

  it('rejects a budget below one token', () => {
    expect(() => buildAnswerPrompt({ question: 'q', hits: HITS, contextTokenBudget: 0 })).toThrow(/contextTokenBudget must be at least 1/);
  });
});
