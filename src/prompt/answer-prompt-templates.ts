import type { Language } from './detect-language.js';

/** The wording of a grounded-answer prompt in one language. */
export interface AnswerPromptTemplate {
  /** The instructions: answer only from the sources, cite `[n]`, say when the sources do not cover it. */
  instructions: string;
  /** Heading before the numbered sources in the user message. */
  sourcesHeading: string;
  /** Label before the question in the user message. */
  questionLabel: string;
  /** What the model should say when the sources do not answer the question (also hangjia's own refusal). */
  notCovered: string;
  /** Marks a source that was cut to fit the budget. */
  truncatedMark: string;
  /**
   * Added to `instructions` when earlier turns of the conversation are in the prompt: they say
   * what is being asked, they are not evidence.
   */
  historyInstruction: string;
  /**
   * The first line of every extractive answer (hangjia quoting sentences without a model), so it
   * can never pass for a generated one; kept here so the prompt can strip it from earlier turns.
   */
  extractiveLabel: string;
}

/**
 * Chinese and English templates. They say the same things: use only the numbered sources; put
 * `[n]` right after each claim (the post-check relies on it); when the sources do not cover the
 * question, say so in one fixed sentence instead of answering from general knowledge. With
 * earlier turns in the prompt, one more line says they only show what is being asked: every claim
 * still comes from this turn's numbered sources.
 */
export const ANSWER_PROMPT_TEMPLATES: Readonly<Record<Language, AnswerPromptTemplate>> = {
  zh: {
    instructions: [
      '你是一个严谨的知识库问答助手。请只根据下面编号的资料回答用户的问题，不要使用资料以外的知识，不要编造。',
      '每一句陈述之后用方括号标注它依据的资料编号，例如“试用期不得超过六个月[1]。”；依据多条资料时写成[1][2]。只能引用给出的编号。',
      '如果资料不足以回答问题，请直接回答：“知识库中没有涉及这个问题的内容。”',
      '用简洁的中文回答。',
    ].join('\n'),
    sourcesHeading: '资料：',
    questionLabel: '问题：',
    notCovered: '知识库中没有涉及这个问题的内容。',
    truncatedMark: '（节选）',
    historyInstruction: '前面的对话只用来理解用户现在问的是什么，不能作为依据：回答中的每一句陈述仍须来自本轮编号的资料，并标注本轮的编号。',
    extractiveLabel: '【抽取式回答】未配置生成模型，以下是知识库中与问题最相关的原文句子：',
  },
  en: {
    instructions: [
      'You are a careful assistant that answers questions from a knowledge base. Answer using only the numbered sources below; do not use outside knowledge and do not make things up.',
      'After each claim, cite the source it comes from in square brackets, e.g. "The probation period may not exceed six months [1]." Cite several as [1][2]. Cite only the numbers given.',
      'If the sources do not answer the question, reply exactly: "The knowledge base does not cover this question."',
      'Answer concisely in English.',
    ].join('\n'),
    sourcesHeading: 'Sources:',
    questionLabel: 'Question:',
    notCovered: 'The knowledge base does not cover this question.',
    truncatedMark: '(excerpt)',
    historyInstruction: "The earlier turns of the conversation only show what the user is asking about; they are not evidence: every claim must still come from this turn's numbered sources, cited with this turn's numbers.",
    extractiveLabel: '[Extractive answer] No language model is configured; these are the sentences of the knowledge base that best match the question:',
  },
};
