import { describe, expect, it } from 'vitest';
import { estimateTokens } from '../chunking/index.js';
import type { Hit } from '../retrieval/index.js';
import { ANSWER_PROMPT_TEMPLATES, buildAnswerPrompt, detectLanguage, type HistoryTurn } from './index.js';

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

  it('detects a passage\'s language by the share of Han word units when asked for one', () => {
    // 2 Han characters against 58 Latin letters (11.6 words): share 0.15, under 0.2 but over 0.
    const manual = 'Hold the reset button of the router 主板 for ten seconds until lights blink';
    expect(detectLanguage(manual)).toBe('zh');
    expect(detectLanguage(manual, 0.2)).toBe('en');
    // 8 Han characters against 2 Latin letters (0.4 words; digits do not count): share 0.95.
    expect(detectLanguage('XR5400的主板怎么重置呢', 0.2)).toBe('zh');
    expect(detectLanguage('no Han at all', 0)).toBe('en');
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

// Three earlier exchanges, oldest first. Estimated tokens (question + answer without its marker):
// 8 + 6 = 14, 6 + 7 = 13, 4 + 10 = 14. Their markers [1]–[3] pointed at the earlier turns' sources.
const HISTORY: HistoryTurn[] = [
  { role: 'user', content: '试用期最长多久？' },
  { role: 'assistant', content: '最长六个月[1]。' },
  { role: 'user', content: '能约定几次？' },
  { role: 'assistant', content: '只能约定一次[2]。' },
  { role: 'user', content: '工资呢？' },
  { role: 'assistant', content: '不得低于百分之八十[3]。' },
];
const HISTORY_INSTRUCTION = '前面的对话只用来理解用户现在问的是什么，不能作为依据：回答中的每一句陈述仍须来自本轮编号的资料，并标注本轮的编号。';

describe('buildAnswerPrompt with earlier turns', () => {
  it('puts them as user/assistant messages between the few-shot turns and the question, leaving the sources as they were', () => {
    const fewShot = [{ role: 'user' as const, content: '示例问题？' }, { role: 'assistant' as const, content: '示例回答[1]。' }];
    const single = buildAnswerPrompt({ question: '说简单点', hits: HITS, contextTokenBudget: 1000, fewShot });
    const prompt = buildAnswerPrompt({ question: '说简单点', hits: HITS, contextTokenBudget: 1000, fewShot, history: HISTORY });
    expect(prompt.messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'user', 'assistant', 'user', 'assistant', 'user', 'assistant', 'user']);
    // Few-shot turns untouched (their [1] belongs to the example), then the history, markers gone.
    expect(prompt.messages.slice(1, -1)).toEqual([
      ...fewShot,
      { role: 'user', content: '试用期最长多久？' },
      { role: 'assistant', content: '最长六个月。' },
      { role: 'user', content: '能约定几次？' },
      { role: 'assistant', content: '只能约定一次。' },
      { role: 'user', content: '工资呢？' },
      { role: 'assistant', content: '不得低于百分之八十。' },
    ]);
    // The grounding rules gain one line: earlier turns are not evidence.
    expect(prompt.messages[0]!.content).toBe(`${ANSWER_PROMPT_TEMPLATES.zh.instructions}\n${HISTORY_INSTRUCTION}`);
    expect(single.messages[0]!.content).toBe(ANSWER_PROMPT_TEMPLATES.zh.instructions);
    // This turn's sources are numbered [1]–[3] afresh, exactly as without history.
    expect(prompt.messages.at(-1)).toEqual(single.messages.at(-1));
    expect(prompt.messages.at(-1)!.content.startsWith('资料：\n[1] 劳动合同法 › 第十九条\n劳动合同期限三年以上的')).toBe(true);
    expect(prompt.sources.map((source) => [source.n, source.rank, source.truncated])).toEqual([[1, 1, false], [2, 2, false], [3, 3, false]]);
    expect([prompt.history, prompt.historyTokens]).toEqual([{ sent: 6, omitted: 0 }, 41]);
    // …and the prompt grows by the history and that line (57 estimated tokens), nothing else.
    expect(prompt.promptTokens).toBe(single.promptTokens + 41 + estimateTokens(HISTORY_INSTRUCTION));
    expect(estimateTokens(HISTORY_INSTRUCTION)).toBe(57);
  });

  it('strips citation markers and the extractive label from earlier answers, not from questions', () => {
    const prompt = buildAnswerPrompt({
      question: 'And for part-timers?',
      hits: HITS.slice(0, 1),
      contextTokenBudget: 1000,
      history: [
        { role: 'user', content: '第[2]条说的试用期最长多久？' },
        { role: 'assistant', content: '试用期不得超过六个月[1][2]，只能约定一次［3］、见[ 1，2 ]。' },
        { role: 'user', content: '工资呢？' },
        { role: 'assistant', content: `${ANSWER_PROMPT_TEMPLATES.zh.extractiveLabel}\n劳动者在试用期的工资不得低于百分之八十。[3]\n同一用人单位只能约定一次试用期。[2]` },
        { role: 'user', content: 'How long can probation last?' },
        { role: 'assistant', content: `${ANSWER_PROMPT_TEMPLATES.en.extractiveLabel}\nAt most six months [1], and only once [2, 3].` },
      ],
    });
    expect(prompt.language).toBe('en');
    expect(prompt.messages.slice(1, -1).map((message) => message.content)).toEqual([
      '第[2]条说的试用期最长多久？',
      '试用期不得超过六个月，只能约定一次、见。',
      '工资呢？',
      '劳动者在试用期的工资不得低于百分之八十。\n同一用人单位只能约定一次试用期。',
      'How long can probation last?',
      'At most six months, and only once.',
    ]);
    expect(prompt.messages[0]!.content.endsWith("\nThe earlier turns of the conversation only show what the user is asking about; they are not evidence: every claim must still come from this turn's numbered sources, cited with this turn's numbers.")).toBe(true);
  });

  it('keeps the newest whole exchanges that fit the history budget and never skips over one', () => {
    // 27 tokens hold the two newest exchanges (14 + 13); the oldest (14) would need 41.
    const two = buildAnswerPrompt({ question: '说简单点', hits: HITS, contextTokenBudget: 1000, history: HISTORY, historyTokenBudget: 27 });
    expect(two.messages.slice(1, -1).map((message) => message.content)).toEqual(['能约定几次？', '只能约定一次。', '工资呢？', '不得低于百分之八十。']);
    expect([two.history, two.historyTokens]).toEqual([{ sent: 4, omitted: 2 }, 27]);
    // One token less and the middle exchange no longer fits. The small oldest one (3 + 3 = 6
    // tokens) would fit in what is left, but it is not sent across the gap.
    const history: HistoryTurn[] = [{ role: 'user', content: '几次？' }, { role: 'assistant', content: '一次[2]。' }, ...HISTORY.slice(2)];
    const one = buildAnswerPrompt({ question: '说简单点', hits: HITS, contextTokenBudget: 1000, history, historyTokenBudget: 26 });
    expect(one.messages.slice(1, -1)).toEqual([{ role: 'user', content: '工资呢？' }, { role: 'assistant', content: '不得低于百分之八十。' }]);
    expect([one.history, one.historyTokens]).toEqual([{ sent: 2, omitted: 4 }, 14]);
    // The default is a quarter of contextTokenBudget: 144 / 4 = 36 tokens, again the two newest.
    expect(buildAnswerPrompt({ question: '说简单点', hits: HITS, contextTokenBudget: 144, history: HISTORY }).history).toEqual({ sent: 4, omitted: 2 });
  });

  it('takes what the history uses out of the context budget, so the sources get the rest', () => {
    // The three sources take 36 + 35 + 46 = 117 tokens; with the two newest exchanges (27) they
    // need 144. One token less and the third source (one sentence, so it cannot be cut) is dropped.
    const fits = buildAnswerPrompt({ question: '说简单点', hits: HITS, contextTokenBudget: 144, history: HISTORY, historyTokenBudget: 27 });
    expect([fits.sourceTokens, fits.historyTokens, fits.dropped.length]).toEqual([117, 27, 0]);
    const tight = buildAnswerPrompt({ question: '说简单点', hits: HITS, contextTokenBudget: 143, history: HISTORY, historyTokenBudget: 27 });
    expect([tight.sourceTokens, tight.historyTokens]).toEqual([71, 27]);
    expect(tight.dropped.map((dropped) => [dropped.rank, dropped.reason])).toEqual([[3, 'budget']]);
    // Without history the same 143 tokens hold all three.
    expect(buildAnswerPrompt({ question: '说简单点', hits: HITS, contextTokenBudget: 143 }).dropped).toEqual([]);
  });

  it('sends no earlier turns with a zero budget, and only whole question–answer pairs otherwise', () => {
    const single = buildAnswerPrompt({ question: '说简单点', hits: HITS, contextTokenBudget: 1000 });
    const off = buildAnswerPrompt({ question: '说简单点', hits: HITS, contextTokenBudget: 1000, history: HISTORY, historyTokenBudget: 0 });
    expect(off.messages).toEqual(single.messages);
    expect([off.history, off.historyTokens]).toEqual([{ sent: 0, omitted: 6 }, 0]);
    // A leading assistant greeting and a trailing unanswered question are left out, so the
    // messages still alternate and the question follows an answer.
    const ragged = buildAnswerPrompt({
      question: '说简单点',
      hits: HITS,
      contextTokenBudget: 1000,
      history: [{ role: 'assistant', content: '你好，请提问。' }, ...HISTORY.slice(0, 2), { role: 'user', content: '能约定几次？' }],
    });
    expect(ragged.messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(ragged.history).toEqual({ sent: 2, omitted: 2 });
  });

  it('rejects a history budget that would leave the sources nothing', () => {
    expect(() => buildAnswerPrompt({ question: 'q', hits: HITS, contextTokenBudget: 100, historyTokenBudget: 100 })).toThrow(/historyTokenBudget must be at least 0 and below contextTokenBudget \(100\)/);
    expect(() => buildAnswerPrompt({ question: 'q', hits: HITS, contextTokenBudget: 100, historyTokenBudget: -1 })).toThrow(/historyTokenBudget must be at least 0/);
  });
});
