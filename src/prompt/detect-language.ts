/** The languages hangjia writes its prompts, templates and answers in. */
export type Language = 'zh' | 'en';

const HAN = /\p{Script=Han}/gu;
const LATIN_LETTER = /[A-Za-z]/gu;

/**
 * The language of `text`: `zh` when it has a Han character and Han characters make up at least
 * `minimumHanShare` of its word units (Han characters plus Latin words, a word counted as five
 * letters), else `en`. The default, 0, makes any Han character enough: right for questions, since
 * Chinese questions routinely carry Latin product names and codes (`XR-5400怎么重置`) while English
 * questions rarely contain Han characters. Passages want a share (dataset generation uses 0.2),
 * because English manuals quote Chinese names and Chinese statutes quote Latin codes.
 *
 * @example
 * detectLanguage('试用期最长多久？') // 'zh'
 * detectLanguage('How do I reset the XR-5400?') // 'en'
 * detectLanguage('The manual names the part 主板 once, then explains it in English.', 0.2) // 'en'
 */
export function detectLanguage(text: string, minimumHanShare = 0): Language {
  const han = text.match(HAN)?.length ?? 0;
  if (han === 0) return 'en';
  const latinWords = (text.match(LATIN_LETTER)?.length ?? 0) / 5;
  return han / (han + latinWords) >= minimumHanShare ? 'zh' : 'en';
}
