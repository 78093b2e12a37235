import type { Example } from '../../examples/index.js';
import type { LanguageModelMessage } from '../../models/index.js';
import { detectLanguage, type Language } from '../../prompt/index.js';
import type { ExamItem } from './exam-item.js';

/** The language of an exam prompt; `auto` picks Chinese when the question has Han characters. */
export type ExamPromptTemplateName = Language | 'auto';

/**
 * How an exam item becomes chat messages. Placeholders: `{{subject}}` in the system texts,
 * `{{answer}}` (letters run together, `B` or `AC`) in `answer`.
 */
export interface ExamPromptTemplate {
  language: Language;
  /** The system message for single-answer items. */
  system: string;
  /** The system message for multi-answer items (JEC-QA): says several letters may be right. */
  systemMulti: string;
  /** Introduces a passage (`context`) before the question. */
  contextLabel: string;
  /** How a solved example's answer is written in few-shot turns; the model imitates it. */
  answer: string;
}

/**
 * The built-in templates, after C-Eval's and CMMLU's answer-only prompts ("以下是中国关于…考试的单项选择题")
 * and MMLU's English one, in chat form: the system message states the task and the answer format,
 * each question is a user turn (question, then one `A. …` line per option), and few-shot examples
 * are solved user/assistant turns before it. The answer format doubles as a cue for
 * {@link extractChoiceAnswer}.
 */
export const EXAM_PROMPT_TEMPLATES: Readonly<Record<Language, ExamPromptTemplate>> = {
  zh: {
    language: 'zh',
    system: '以下是中国关于{{subject}}考试的单项选择题，请选出其中的正确答案。请直接给出答案，格式为“答案：选项字母”。',
    systemMulti: '以下是中国关于{{subject}}考试的不定项选择题，可能有一个或多个正确答案，请选出所有正确答案。请直接给出答案，格式为“答案：选项字母”（多个字母连写，如“答案：AC”）。',
    contextLabel: '材料：',
    answer: '答案：{{answer}}',
  },
  en: {
    language: 'en',
    system: 'The following is a multiple choice question about {{subject}}. Choose the correct option and reply as "Answer: <letter>".',
    systemMulti: 'The following is a multiple choice question about {{subject}}; one or more options may be correct. Choose every correct option and reply as "Answer: <letters>" (e.g. "Answer: AC").',
    contextLabel: 'Passage:',
    answer: 'Answer: {{answer}}',
  },
};

/** The template language for `item` under `name` (`auto`: Chinese when the question has a Han character). */
export function examPromptLanguage(item: Pick<ExamItem, 'question'>, name: ExamPromptTemplateName): Language {
  if (name !== 'auto') return name;
  return detectLanguage(item.question);
}

/** The user turn for `item`: the passage if any, the question, then one `A. …` line per option. */
export function renderExamQuestion(item: Pick<ExamItem, 'question' | 'choices' | 'context'>, language: Language): string {
  const template = EXAM_PROMPT_TEMPLATES[language];
  const lines: string[] = [];
  if (item.context !== undefined) lines.push(`${template.contextLabel}${item.context}`, '');
  lines.push(item.question.trim());
  for (const [letter, text] of Object.entries(item.choices)) lines.push(`${letter}. ${text}`);
  return lines.join('\n');
}

/** The assistant turn of a solved example: `答案：B`, `Answer: AC`. */
export function renderExamAnswer(letters: readonly string[], language: Language): string {
  return EXAM_PROMPT_TEMPLATES[language].answer.replace('{{answer}}', letters.join(''));
}

/** Options for {@link buildExamMessages}. */
export interface BuildExamMessagesOptions {
  /** Default `auto`. */
  template?: ExamPromptTemplateName;
  /** Solved examples shown before the question, in order. Default none (zero-shot). */
  shots?: readonly ExamItem[];
}

/**
 * The chat messages that ask `item`: system (task and answer format), then each shot as a solved
 * user/assistant pair, then the question.
 *
 * @example
 * const messages = buildExamMessages(item, { shots: devItems.slice(0, 5) });
 * const { text } = await generateText(model, { messages, temperature: 0, maxTokens: 128 });
 */
export function buildExamMessages(item: ExamItem, options: BuildExamMessagesOptions = {}): LanguageModelMessage[] {
  const language = examPromptLanguage(item, options.template ?? 'auto');
  const template = EXAM_PROMPT_TEMPLATES[language];
  const subject = item.subjectLabel ?? item.subject.replace(/[_-]+/g, ' ');
  const messages: LanguageModelMessage[] = [{ role: 'system', content: (item.multi ? template.systemMulti : template.system).replace('{{subject}}', subject) }];
  for (const shot of options.shots ?? []) {
    messages.push({ role: 'user', content: renderExamQuestion(shot, language) }, { role: 'assistant', content: renderExamAnswer(shot.answer, language) });
  }
  messages.push({ role: 'user', content: renderExamQuestion(item, language) });
  return messages;
}

/**
 * Dev items as `examples/` pool entries (input: the rendered question; output: the answer turn),
 * so any example selector can choose shots dynamically. Ids are kept, so the selection maps back.
 *
 * @example
 * const pool = await createExamplePool(examItemsToExamples(devItems), { analyzer: createAnalyzer() });
 * const selector = createExampleSelector(pool, 'bm25');
 */
export function examItemsToExamples(items: readonly ExamItem[], template: ExamPromptTemplateName = 'auto'): Example[] {
  return items.map((item) => {
    const language = examPromptLanguage(item, template);
    return { id: item.id, input: renderExamQuestion(item, language), output: renderExamAnswer(item.answer, language), metadata: { subject: item.subject } };
  });
}
