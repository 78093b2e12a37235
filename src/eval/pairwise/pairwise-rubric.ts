import type { Language } from '../../prompt/index.js';

/**
 * The default rubric of pairwise judging, in Chinese and English: accuracy first, then grounding,
 * completeness and clarity. Override it with your own (CLI: `--rubric <file>`, one text used for
 * both languages). Written for domain QA over private documents, where a fluent answer that
 * invents a figure must lose to a plain one that gets it right (the Gudibande et al. caution:
 * judge facts, not style).
 */
export const DEFAULT_PAIRWISE_RUBRIC: Readonly<Record<Language, string>> = {
  zh: [
    '按以下标准比较两个回答，按重要性排序：',
    '1. 准确性：事实、数字、条款、名称是否正确；有参考答案时以参考答案为准。有事实错误的回答不能胜出。',
    '2. 有据可查：结论是否有给出的资料或引用支持；编造内容、引用与内容不符都要扣分。资料不足时坦白说明的回答优于胡乱作答的回答。',
    '3. 完整性：是否回答了问题的所有部分，并给出必要的条件和例外。',
    '4. 清晰性：是否直接回答问题、条理清楚、没有多余的套话。',
    '不要因为回答更长、语气更自信或出现的位置在前而偏向它。两者质量相当时判为平局。',
  ].join('\n'),
  en: [
    'Compare the two answers on these criteria, in order of importance:',
    '1. Accuracy: are facts, figures, clauses and names correct? Where a reference answer is given, it decides. An answer with a factual error cannot win.',
    '2. Grounding: are claims supported by the given material or citations? Penalise invented content and citations that do not match the claim. Saying plainly that the material does not cover something beats guessing.',
    '3. Completeness: does it answer every part of the question, with the conditions and exceptions that matter?',
    '4. Clarity: does it answer directly, in a clear order, without filler?',
    'Do not favour an answer for being longer, more confident, or shown first. If they are of equal quality, call it a tie.',
  ].join('\n'),
};
