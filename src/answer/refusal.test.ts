import { describe, expect, it } from 'vitest';
import { isRefusalReply } from './refusal.js';

/**
 * Replies models actually give when the sources do not cover a question (collected from Qwen,
 * DeepSeek, Llama and GPT-style chat models answering hangjia's prompt), and answers that merely
 * mention the sources or a negation. Issue 11: "知识库中没有相关内容。" was scored as a generated
 * answer because only the template's exact sentence counted.
 */
const REFUSALS = [
  '知识库中没有涉及这个问题的内容。',
  '知识库中没有相关内容。',
  '知识库中没有相关内容[1]。',
  '资料中未提及此问题。',
  '提供的资料中没有相关信息。',
  '根据提供的资料，无法回答这个问题。',
  '资料不足以回答该问题。',
  '抱歉，知识库中没有找到相关内容。',
  '很抱歉，我无法根据现有资料回答您的问题。',
  '上述资料并未涉及这个问题。',
  '暂无相关信息。',
  '没有找到相关信息。',
  '抱歉，我无法回答这个问题。',
  '参考资料中没有关于这个问题的具体规定。',
  '“知识库中没有涉及这个问题的内容。”',
  'The knowledge base does not cover this question.',
  'The provided sources do not mention this.',
  "The sources don't contain information about this topic.",
  "I'm sorry, but the provided context does not answer this question.",
  'I cannot answer this question based on the provided sources.',
  "I don't know.",
  'There is no relevant information in the sources.',
  'None of the sources mention this.',
  'Sorry, I could not find the answer in the knowledge base.',
  'Unfortunately, the documents do not cover this question.',
  'The knowledge base does not cover this question. 知识库中没有涉及这个问题的内容。',
];

const ANSWERS = [
  '劳动合同期限三年以上的，试用期不得超过六个月[1]。',
  '试用期不得超过六个月[1]。资料中没有提到试用期工资。',
  '资料中没有提到工资，但试用期最长六个月[2]。',
  '知识库中没有规定的，按当地标准执行[3]。',
  '没有书面合同的，应当支付二倍工资[1]。',
  '无固定期限劳动合同可以约定试用期[2]。',
  '以上情形无需支付经济补偿[1]。',
  'There is no probation period for contracts under three months [1].',
  'The sources do not limit overtime to weekdays; overtime on holidays is paid at 300% [2].',
  'I cannot stress enough that the notice period is thirty days [1].',
  'The probation period may not exceed six months [1].',
  'Employees cannot be dismissed during sick leave [2].',
  '',
];

describe('isRefusalReply', () => {
  it('has a table of at least 30 real-world replies', () => {
    expect(REFUSALS.length + ANSWERS.length).toBeGreaterThanOrEqual(30);
  });

  it.each(REFUSALS)('recognises the refusal %j', (reply) => {
    expect(isRefusalReply(reply)).toBe(true);
  });

  it.each(ANSWERS)('does not take the answer %j for a refusal', (reply) => {
    expect(isRefusalReply(reply)).toBe(false);
  });
});
