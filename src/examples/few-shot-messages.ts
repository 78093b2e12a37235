import type { Example, SelectedExample } from './example.js';
import { fillTemplate } from './_fill-template.js';

/** One chat turn of a few-shot conversation. */
export interface FewShotMessage {
  role: 'user' | 'assistant';
  content: string;
}

/**
 * How one example becomes a user turn and an assistant turn. Placeholders: `{{input}}`,
 * `{{output}}`, `{{id}}`; anything else throws `E_USAGE`.
 */
export interface FewShotMessageTemplate {
  user: string;
  assistant: string;
}

/**
 * The example as the user said it and the answer as the assistant gave it, with no labels: in a
 * chat the roles already say which is which, and labels would be imitated in the real answer.
 * The same in Chinese and English.
 */
export const DEFAULT_FEW_SHOT_MESSAGE_TEMPLATE: Readonly<FewShotMessageTemplate> = { user: '{{input}}', assistant: '{{output}}' };

/** Options for {@link renderFewShotMessages}. */
export interface RenderFewShotMessagesOptions {
  /** Default {@link DEFAULT_FEW_SHOT_MESSAGE_TEMPLATE}. */
  template?: FewShotMessageTemplate;
}

/**
 * Turns examples (selected or not) into alternating user/assistant messages, in the given order,
 * to place between a task's system message and the real user message: the model sees k solved
 * turns, then the new input. Works with any task template because it adds turns, not text.
 *
 * @example
 * const selected = await selector.select(question, { k: 3 });
 * const messages = [{ role: 'system', content: system }, ...renderFewShotMessages(selected), { role: 'user', content: question }];
 */
export function renderFewShotMessages(examples: readonly (Example | SelectedExample)[], options: RenderFewShotMessagesOptions = {}): FewShotMessage[] {
  const template = options.template ?? DEFAULT_FEW_SHOT_MESSAGE_TEMPLATE;
  return examples.flatMap((item) => {
    const example = 'example' in item ? item.example : item;
    return [
      { role: 'user' as const, content: fillTemplate(template.user, example) },
      { role: 'assistant' as const, content: fillTemplate(template.assistant, example) },
    ];
  });
}
