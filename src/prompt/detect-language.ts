/** The languages hangjia's answer templates are written in. */
export type PromptLanguage = 'zh' | 'en';

const HAN = /\p{Script=Han}/u;

/**
 * The answer language for a question: `zh` when it contains any Han character, else `en`.
 * Any Han character is enough, because Chinese questions routinely carry Latin product names and
 * codes (`XR-5400怎么重置`), while English questions rarely contain Han characters.
 *
 * @example
 * detectLanguage('试用期最长多久？') // 'zh'
 * detectLanguage('How do I reset the XR-5400?') // 'en'
 */
export function detectLanguage(text: string): PromptLanguage {
  return HAN.test(text) ? 'zh' : 'en';
}
