import type { Language } from '../prompt/index.js';
import type { Example, SelectedExample } from './example.js';
import { fillTemplate } from './_fill-template.js';

/**
 * How a plain-text few-shot prompt is laid out: the preamble, the examples joined by the
 * separator, then the new input. `example` may use `{{input}}`, `{{output}}` and `{{id}}`;
 * `input` may use `{{input}}`.
 */
export interface FewShotPromptTemplate {
  /** Text before the examples; '' for none. */
  preamble: string;
  example: string;
  /** Between the preamble, the examples and the input. */
  separator: string;
  /** The new input, left open for the model to complete. */
  input: string;
}

/** Default prompt templates, by language. */
export const FEW_SHOT_PROMPT_TEMPLATES: Readonly<Record<Language, Readonly<FewShotPromptTemplate>>> = {
  zh: {
    preamble: '请参考以下示例的格式和思路回答最后的问题。',
    example: '问题：{{input}}\n回答：{{output}}',
    separator: '\n\n',
    input: '问题：{{input}}\n回答：',
  },
  en: {
    preamble: 'Answer the last question following the format and reasoning of these examples.',
    example: 'Question: {{input}}\nAnswer: {{output}}',
    separator: '\n\n',
    input: 'Question: {{input}}\nAnswer:',
  },
};

/** Options for {@link createFewShotPrompt}. */
export interface FewShotPromptOptions {
  /** The new input, placed last. */
  input: string;
  /** Which default template to use when `template` is not given. Default `zh`. */
  language?: Language;
  /** Overrides the language's default template. */
  template?: FewShotPromptTemplate;
}

/**
 * A plain-text few-shot prompt, for completion models and for tasks whose template is one string:
 * preamble, the examples in the given order, then the new input with its answer left open.
 *
 * @example
 * createFewShotPrompt(selected, { input: '试用期最长多久？' });
 * // 请参考以下示例的格式和思路回答最后的问题。\n\n问题：…\n回答：…\n\n问题：试用期最长多久？\n回答：
 */
export function createFewShotPrompt(examples: readonly (Example | SelectedExample)[], options: FewShotPromptOptions): string {
  const template = options.template ?? FEW_SHOT_PROMPT_TEMPLATES[options.language ?? 'zh'];
  const parts = examples.map((item) => fillTemplate(template.example, 'example' in item ? item.example : item));
  parts.push(fillTemplate(template.input, { id: '', input: options.input, output: '' }));
  if (template.preamble !== '') parts.unshift(template.preamble);
  return parts.join(template.separator);
}
